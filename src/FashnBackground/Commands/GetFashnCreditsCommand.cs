using System.Management.Automation;
using Fashn.Client;

namespace FashnBackground.Commands
{
    /// <summary>Gets the account's credit balance (subscription credits are spent first).</summary>
    [Cmdlet(VerbsCommon.Get, "FashnCredits")]
    [OutputType(typeof(FashnCredits))]
    public sealed class GetFashnCreditsCommand : FashnApiCmdletBase
    {
        protected override void EndProcessing()
        {
            var (client, _) = Connect();
            try
            {
                var balance = RunToEnd(token => client.GetCreditsAsync(token));
                WriteObject(new FashnCredits { Total = balance.Total, Subscription = balance.Subscription, OnDemand = balance.OnDemand });
            }
            catch (FashnException ex)
            {
                ThrowTerminatingError(FashnErrorRecords.For(ex, null));
            }
        }
    }
}
