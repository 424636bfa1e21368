using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Omise.Core.Models
{
    internal static class OmiseJson
    {
        public static readonly JsonSerializerOptions Options = Create();

        private static JsonSerializerOptions Create()
        {
            var options = new JsonSerializerOptions
            {
                // The API adds fields over time (merchant_name, ...): ignore what we do not model.
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
                NumberHandling = JsonNumberHandling.Strict,
            };
            options.Converters.Add(new UtcDateTimeConverter());
            options.Converters.Add(new NullableUtcDateTimeConverter());
            return options;
        }
    }

    /// <summary>Reads ISO 8601 timestamps as UTC DateTime, whatever the machine's zone.</summary>
    internal sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return DateTime.Parse(text!, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    internal sealed class NullableUtcDateTimeConverter : JsonConverter<DateTime?>
    {
        private static readonly UtcDateTimeConverter Inner = new UtcDateTimeConverter();

        public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? (DateTime?)null : Inner.Read(ref reader, typeof(DateTime), options);

        public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
        {
            if (value == null) writer.WriteNullValue(); else Inner.Write(writer, value.Value, options);
        }
    }

    internal sealed class ChargeCollectionConverter : JsonConverter<ChargeCollection>
    {
        public override ChargeCollection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return new ChargeCollection();
            var list = JsonSerializer.Deserialize<OmiseList<Charge>>(ref reader, options);
            return list?.Data == null ? new ChargeCollection() : new ChargeCollection(list.Data, list.Total ?? list.Data.Count);
        }

        public override void Write(Utf8JsonWriter writer, ChargeCollection value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, new List<Charge>(value), options);
            writer.WriteNumber("total", value.Total);
            writer.WriteEndObject();
        }
    }
}
