using System;
using System.Management.Automation;

namespace FashnBackground
{
    /// <summary>
    /// Lets -OutputFormat come from a spreadsheet: an empty cell means the default, png (validation attributes
    /// refuse an empty or null value), and the value is sent in lower case as the API expects ('PNG' gives 'png').
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class OutputFormatTransformationAttribute : ArgumentTransformationAttribute
    {
        public const string DefaultFormat = "png";

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value == null) return DefaultFormat;
            if (value is string text) return string.IsNullOrWhiteSpace(text) ? DefaultFormat : text.Trim().ToLowerInvariant();
            return value;
        }
    }
}
