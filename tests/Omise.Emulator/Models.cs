namespace Omise.Emulator;

/// <summary>
/// A link as the emulator stores it. Immutable: paying or deleting a link replaces the stored record,
/// so a snapshot taken from <see cref="EmulatorServer.Links"/> never changes under the caller.
/// </summary>
public sealed record StoredLink
{
    /// <summary><c>link_test_</c> + 19 characters of [0-9a-z] (<c>link_</c> in live mode).</summary>
    public required string Id { get; init; }

    /// <summary>Creation sequence number (1, 2, ...): breaks ties between equal <see cref="CreatedAt"/> values.</summary>
    public required long Sequence { get; init; }

    public required bool Livemode { get; init; }
    public required long Amount { get; init; }

    /// <summary>Upper case, as in 2019-05-29 responses ("THB").</summary>
    public required string Currency { get; init; }

    public required string Title { get; init; }
    public required string Description { get; init; }
    public required bool Multiple { get; init; }

    /// <summary>Full precision; the wire shows whole seconds.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public bool Used { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    public bool Deleted { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>
    /// The Idempotency-Key header of the POST /links that created the link (null: none, or seed data). Kept even when the
    /// server ignores the header. Never part of the API JSON.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Charges in creation order.</summary>
    public IReadOnlyList<Charge> Charges { get; init; } = Array.Empty<Charge>();

    /// <summary>"/links/&lt;id&gt;".</summary>
    public string Location => "/links/" + Id;

    /// <summary>https://link.omise.co/ + the id without its link_test_/link_ prefix, upper case.</summary>
    public string PaymentUri => "https://link.omise.co/" + IdCode(Id);

    internal static string IdCode(string id)
    {
        if (id.StartsWith("link_test_", StringComparison.Ordinal)) return id["link_test_".Length..].ToUpperInvariant();
        if (id.StartsWith("link_", StringComparison.Ordinal)) return id["link_".Length..].ToUpperInvariant();
        return id.ToUpperInvariant();
    }
}

/// <summary>A successful charge made by paying a link (see <see cref="EmulatorServer.PayLink"/>).</summary>
public sealed record Charge
{
    /// <summary><c>chrg_test_</c> + 19 characters of [0-9a-z] (<c>chrg_</c> in live mode).</summary>
    public required string Id { get; init; }

    /// <summary>The id of the link paid.</summary>
    public required string LinkId { get; init; }

    public required bool Livemode { get; init; }
    public required long Amount { get; init; }

    /// <summary>Lower case, as the charge API writes it ("thb").</summary>
    public required string Currency { get; init; }

    /// <summary><c>trxn_test_</c> + 19 characters.</summary>
    public required string TransactionId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset PaidAt { get; init; }

    /// <summary>Always "successful".</summary>
    public string Status { get; init; } = "successful";

    /// <summary>"/charges/&lt;id&gt;".</summary>
    public string Location => "/charges/" + Id;
}
