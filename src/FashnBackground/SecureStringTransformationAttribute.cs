using System;
using System.Management.Automation;
using System.Security;

namespace FashnBackground
{
    /// <summary>
    /// Lets -ApiKey take a plain string as well as a SecureString (what Get-Secret returns by default), the way
    /// many modules do; the string is turned into a SecureString at once.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is string text)
            {
                var secure = new SecureString();
                foreach (var c in text) secure.AppendChar(c);
                secure.MakeReadOnly();
                return secure;
            }
            return value!;
        }
    }
}
