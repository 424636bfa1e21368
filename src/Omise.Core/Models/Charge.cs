using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>A charge made through a link.</summary>
    public sealed class Charge
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool LiveMode { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }
        [JsonPropertyName("amount")] public long Amount { get; set; }
        [JsonPropertyName("currency")] public string Currency { get; set; } = string.Empty;
        [JsonPropertyName("description")] public string? Description { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
        [JsonPropertyName("authorized")] public bool Authorized { get; set; }
        [JsonPropertyName("paid")] public bool Paid { get; set; }
        [JsonPropertyName("paid_at")] public DateTime? PaidAt { get; set; }
        [JsonPropertyName("transaction")] public string? Transaction { get; set; }
        [JsonPropertyName("link")] public string? Link { get; set; }
        [JsonPropertyName("refunded_amount")] public long RefundedAmount { get; set; }
        [JsonPropertyName("failure_code")] public string? FailureCode { get; set; }
        [JsonPropertyName("failure_message")] public string? FailureMessage { get; set; }
        [JsonPropertyName("created_at")] public DateTime CreatedAt { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>
    /// The charges embedded in a link. Reads the API's list object; prints as the charge ids
    /// joined by ';' so a link exports to one CSV cell.
    /// </summary>
    [JsonConverter(typeof(ChargeCollectionConverter))]
    public sealed class ChargeCollection : ReadOnlyCollection<Charge>
    {
        public ChargeCollection() : base(new List<Charge>()) { }
        public ChargeCollection(IList<Charge> charges, int total) : base(charges) => Total = total;

        /// <summary>How many charges the link has in all (the embedded list holds the first page).</summary>
        public int Total { get; }

        public override string ToString() => string.Join(";", this.Select(c => c.Id));
    }
}
