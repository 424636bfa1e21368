using System;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>A payment link as the API (version 2019-05-29) returns it.</summary>
    public sealed class Link
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool LiveMode { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }

        /// <summary>In the smallest currency unit (satang, cents; JPY has none). 0: the customer enters the amount.</summary>
        [JsonPropertyName("amount")] public long Amount { get; set; }

        /// <summary>Upper case as the API answers, e.g. THB.</summary>
        [JsonPropertyName("currency")] public string Currency { get; set; } = string.Empty;

        /// <summary>A single-use link that has been paid.</summary>
        [JsonPropertyName("used")] public bool Used { get; set; }
        [JsonPropertyName("multiple")] public bool Multiple { get; set; }
        [JsonPropertyName("title")] public string Title { get; set; } = string.Empty;
        [JsonPropertyName("description")] public string Description { get; set; } = string.Empty;

        /// <summary>The shareable URL of the payment page.</summary>
        [JsonPropertyName("payment_uri")] public string? PaymentUri { get; set; }
        [JsonPropertyName("created_at")] public DateTime CreatedAt { get; set; }
        [JsonPropertyName("used_at")] public DateTime? UsedAt { get; set; }
        [JsonPropertyName("deleted")] public bool Deleted { get; set; }
        [JsonPropertyName("deleted_at")] public DateTime? DeletedAt { get; set; }

        /// <summary>The charges made through this link (the first page the API embeds).</summary>
        [JsonPropertyName("charges")] public ChargeCollection Charges { get; set; } = new ChargeCollection();

        public override string ToString() => Id;
    }
}
