using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Omise.Emulator;

/// <summary>Writes the wire JSON by hand (Utf8JsonWriter), field names and order as the API shows them.</summary>
internal static class WireJson
{
    public const string ApiVersion = "2019-05-29";
    public const string Epoch = "1970-01-01T00:00:00Z";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Thai and other non-ASCII text goes out as raw UTF-8, like the real API; only what JSON requires is escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) write(w);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Build<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) write(w, state);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(string code, string message) => Build((code, message), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("object", "error");
        w.WriteString("location", "https://www.omise.co/api-errors#" + s.code.Replace('_', '-'));
        w.WriteString("code", s.code);
        w.WriteString("message", s.message);
        w.WriteEndObject();
    });

    public static void Time(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } v) w.WriteString(name, Clock.Format(v));
        else w.WriteNull(name);
    }

    public static void Link(Utf8JsonWriter w, StoredLink l, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("object", "link");
        w.WriteString("id", l.Id);
        w.WriteBoolean("livemode", l.Livemode);
        w.WriteString("location", l.Location);
        w.WriteNumber("amount", l.Amount);
        w.WriteString("currency", l.Currency);
        w.WriteBoolean("used", l.Used);
        w.WriteBoolean("multiple", l.Multiple);
        w.WriteString("title", l.Title);
        w.WriteString("description", l.Description);
        w.WritePropertyName("charges");
        var (page, total) = Paging.Slice(l.Charges, 0, l.Charges.Count, 0, 20, reverse: false);
        ChargeList(w, l.Location + "/charges", page, total, 20, 0, "chronological", Epoch, Clock.Format(now));
        w.WriteString("payment_uri", l.PaymentUri);
        Time(w, "created_at", l.CreatedAt);
        Time(w, "used_at", l.UsedAt);
        w.WriteBoolean("deleted", l.Deleted);
        Time(w, "deleted_at", l.DeletedAt);
        // Not in the contract's field list: the real API adds fields over time, and clients must tolerate them.
        w.WriteString("merchant_name", "Emulator Shop");
        w.WriteEndObject();
    }

    /// <summary>A named array of links, or null.</summary>
    public static void Links(Utf8JsonWriter w, string name, IReadOnlyList<StoredLink>? links, DateTimeOffset now)
    {
        if (links is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var link in links) Link(w, link, now);
        w.WriteEndArray();
    }

    public static void Charge(Utf8JsonWriter w, Charge c)
    {
        w.WriteStartObject();
        w.WriteString("object", "charge");
        w.WriteString("id", c.Id);
        w.WriteBoolean("livemode", c.Livemode);
        w.WriteString("location", c.Location);
        w.WriteNumber("amount", c.Amount);
        w.WriteString("currency", c.Currency);
        w.WriteNull("description");
        w.WriteString("status", c.Status);
        w.WriteBoolean("authorized", true);
        w.WriteBoolean("paid", true);
        Time(w, "paid_at", c.PaidAt);
        w.WriteString("transaction", c.TransactionId);
        w.WriteString("link", c.LinkId);
        Time(w, "created_at", c.CreatedAt);
        w.WriteNumber("refunded_amount", 0);
        w.WriteNull("failure_code");
        w.WriteNull("failure_message");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void ChargeList(Utf8JsonWriter w, string location, IReadOnlyList<Charge> page, int total, int limit, long offset, string order, string from, string to)
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var c in page) Charge(w, c);
        w.WriteEndArray();
        w.WriteNumber("limit", limit);
        w.WriteNumber("offset", offset);
        w.WriteNumber("total", total);
        w.WriteString("location", location);
        w.WriteString("order", order);
        w.WriteString("from", from);
        w.WriteString("to", to);
        w.WriteEndObject();
    }
}
