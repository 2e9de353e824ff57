using System;
using System.Management.Automation;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>
    /// ErrorRecords as every cmdlet writes them: the stable id "Fashn." + the code, the category the client's error
    /// catalogue gives the code (<see cref="FashnErrorCatalogue"/>), and the input as target.
    /// </summary>
    internal static class FashnErrorRecords
    {
        public static ErrorRecord For(FashnException exception, object? target) =>
            new ErrorRecord(exception, "Fashn." + exception.ErrorCode, ToErrorCategory(exception.Category), target);

        /// <summary>A failure the module did not expect: written as it is, so that it can be reported.</summary>
        public static ErrorRecord ForUnexpected(Exception exception, object? target) =>
            exception is FashnException fashn
                ? For(fashn, target)
                : new ErrorRecord(exception, "Fashn." + FashnErrorCodes.UnexpectedError, ErrorCategory.NotSpecified, target);

        public static ErrorRecord InvalidArgument(string message, object? target) =>
            For(new FashnException(FashnErrorCodes.InvalidArgument, message), target);

        /// <summary>The catalogue's categories carry the names of PowerShell's.</summary>
        private static ErrorCategory ToErrorCategory(FashnErrorCategory category) =>
            Enum.TryParse(category.ToString(), out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;
    }
}
