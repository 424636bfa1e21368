using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>The API's list object (offset/limit paging).</summary>
    public sealed class OmiseList<T> : IApiObject
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("data")] public List<T>? Data { get; set; }
        [JsonPropertyName("limit")] public int Limit { get; set; }
        [JsonPropertyName("offset")] public int Offset { get; set; }
        [JsonPropertyName("total")] public int? Total { get; set; }
        [JsonPropertyName("order")] public string? Order { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }
        [JsonPropertyName("from")] public DateTime? From { get; set; }
        [JsonPropertyName("to")] public DateTime? To { get; set; }

        string? IApiObject.Problem()
        {
            if (Object != "list") return Object == null ? "no \"object\": \"list\"" : $"an object of type '{Object}' where a list was expected";
            if (Data == null) return "a list without \"data\"";
            if (Total == null) return "a list without \"total\"";
            return ListProblems.OfItems(Data);
        }
    }

    internal static class ListProblems
    {
        public static string? OfItems<T>(List<T> items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] == null) return $"item {i + 1} of the list is null";
                if (items[i] is IApiObject item && item.Problem() is string problem) return $"item {i + 1} of the list: {problem}";
            }
            return null;
        }
    }

    /// <summary>The API's search object (page/per_page paging).</summary>
    public sealed class OmiseSearchResult<T> : IApiObject
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("data")] public List<T>? Data { get; set; }
        [JsonPropertyName("page")] public int Page { get; set; }
        [JsonPropertyName("per_page")] public int PerPage { get; set; }
        [JsonPropertyName("total")] public int Total { get; set; }
        [JsonPropertyName("total_pages")] public int TotalPages { get; set; }
        [JsonPropertyName("order")] public string? Order { get; set; }
        [JsonPropertyName("scope")] public string? Scope { get; set; }
        [JsonPropertyName("query")] public string? Query { get; set; }

        string? IApiObject.Problem()
        {
            if (Object != "search") return Object == null ? "no \"object\": \"search\"" : $"an object of type '{Object}' where a search result was expected";
            if (Data == null) return "a search result without \"data\"";
            return ListProblems.OfItems(Data);
        }
    }

    /// <summary>The account a key belongs to.</summary>
    public sealed class Account : IApiObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool? LiveMode { get; set; }
        [JsonPropertyName("email")] public string? Email { get; set; }
        [JsonPropertyName("country")] public string? Country { get; set; }
        [JsonPropertyName("currency")] public string? Currency { get; set; }
        [JsonPropertyName("supported_currencies")] public List<string>? SupportedCurrencies { get; set; }

        string? IApiObject.Problem() => string.IsNullOrEmpty(Id) ? "an account without an id" : null;
    }

    /// <summary>The Omise error body.</summary>
    internal sealed class ErrorBody
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }
        [JsonPropertyName("code")] public string? Code { get; set; }
        [JsonPropertyName("message")] public string? Message { get; set; }
    }
}
