using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>The API's list object (offset/limit paging).</summary>
    public sealed class OmiseList<T>
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("data")] public List<T> Data { get; set; } = new List<T>();
        [JsonPropertyName("limit")] public int Limit { get; set; }
        [JsonPropertyName("offset")] public int Offset { get; set; }
        [JsonPropertyName("total")] public int Total { get; set; }
        [JsonPropertyName("order")] public string? Order { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }
        [JsonPropertyName("from")] public DateTime? From { get; set; }
        [JsonPropertyName("to")] public DateTime? To { get; set; }
    }

    /// <summary>The API's search object (page/per_page paging).</summary>
    public sealed class OmiseSearchResult<T>
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("data")] public List<T> Data { get; set; } = new List<T>();
        [JsonPropertyName("page")] public int Page { get; set; }
        [JsonPropertyName("per_page")] public int PerPage { get; set; }
        [JsonPropertyName("total")] public int Total { get; set; }
        [JsonPropertyName("total_pages")] public int TotalPages { get; set; }
        [JsonPropertyName("order")] public string? Order { get; set; }
        [JsonPropertyName("scope")] public string? Scope { get; set; }
        [JsonPropertyName("query")] public string? Query { get; set; }
    }

    /// <summary>The account a key belongs to.</summary>
    public sealed class Account
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool? LiveMode { get; set; }
        [JsonPropertyName("email")] public string? Email { get; set; }
        [JsonPropertyName("country")] public string? Country { get; set; }
        [JsonPropertyName("currency")] public string? Currency { get; set; }
        [JsonPropertyName("supported_currencies")] public List<string>? SupportedCurrencies { get; set; }
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
