namespace Fashn.Client
{
    public sealed class FashnClientOptions
    {
        public const string DefaultBaseUri = "https://api.fashn.ai";
    }
}
