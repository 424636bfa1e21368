namespace Omise.Core.Models
{
    /// <summary>
    /// An object read from an API answer that can tell whether it is complete. A 200 whose body is not a complete
    /// object ({}, {"object":"link"}, an error object) is an invalid response, never a result.
    /// </summary>
    internal interface IApiObject
    {
        /// <summary>What is missing or wrong, or null when the object is complete.</summary>
        string? Problem();
    }
}
