using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>A charge made through a link.</summary>
    public sealed class Charge : IApiObject
    {
        private string _currency = string.Empty;

        [JsonPropertyName("object")] [JsonInclude] internal string? Object { get; set; }
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool LiveMode { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }
        [JsonPropertyName("amount")] public long Amount { get; set; }
        /// <summary>Upper case (THB), as links show it, whatever case the server sent.</summary>
        [JsonPropertyName("currency")]
        public string Currency { get => _currency; set => _currency = (value ?? string.Empty).ToUpperInvariant(); }
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

        string? IApiObject.Problem()
        {
            if (Object != "charge") return Object == null ? "no \"object\": \"charge\"" : $"an object of type '{Object}' where a charge was expected";
            return Identifiers.IsChargeId(Id) ? null : $"the charge id '{Id}' is not a charge id";
        }

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
