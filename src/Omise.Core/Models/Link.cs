using System;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    /// <summary>A payment link as the API (version 2019-05-29) returns it.</summary>
    public sealed class Link : IApiObject
    {
        private string _currency = string.Empty;

        [JsonPropertyName("object")] [JsonInclude] internal string? Object { get; set; }
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("livemode")] public bool LiveMode { get; set; }
        [JsonPropertyName("location")] public string? Location { get; set; }

        /// <summary>In the smallest currency unit (satang, cents; JPY has none). 0: the customer enters the amount.</summary>
        [JsonIgnore] public long Amount { get => AmountOnWire ?? 0; set => AmountOnWire = value; }
        [JsonPropertyName("amount")] [JsonInclude] internal long? AmountOnWire { get; set; }

        /// <summary>Upper case (THB), whatever case the server sent.</summary>
        [JsonPropertyName("currency")]
        public string Currency { get => _currency; set => _currency = (value ?? string.Empty).ToUpperInvariant(); }

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

        /// <summary>A customer can still pay it: not deleted, and multiple-use or not yet paid.</summary>
        [JsonIgnore] internal bool Payable => !Deleted && (Multiple || !Used);

        string? IApiObject.Problem()
        {
            if (Object != "link") return Object == null ? "no \"object\": \"link\"" : $"an object of type '{Object}' where a link was expected";
            if (!Identifiers.IsLinkId(Id)) return $"the link id '{Id}' is not a link id";
            if (AmountOnWire == null) return $"link {Id} has no amount";
            if (Currency.Length == 0) return $"link {Id} has no currency";
            if (!Uri.TryCreate(PaymentUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                return $"link {Id} has no payment_uri";
            if (CreatedAt == default) return $"link {Id} has no created_at";
            return null;
        }

        public override string ToString() => Id;
    }
}
