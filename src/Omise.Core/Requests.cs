using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Omise.Core
{
    /// <summary>What POST /links takes, already validated and typed.</summary>
    public sealed class LinkCreateRequest
    {

        /// <summary>Checks every field with the one rule (LinkFields) and throws ArgumentException naming the first problem.</summary>
        public LinkCreateRequest(long amount, string currency, string title, string description, bool multiple)
        {
            var amountProblem = LinkFields.AmountProblem(amount);
            if (amountProblem != null) throw new ArgumentOutOfRangeException(nameof(amount), amountProblem);
            var lower = LinkFields.NormalizeCurrency(currency, out var currencyProblem);
            if (lower == null) throw new ArgumentException(currencyProblem, nameof(currency));
            var titleProblem = LinkFields.TextProblem("Title", title);
            if (titleProblem != null) throw new ArgumentException(titleProblem, nameof(title));
            var descriptionProblem = LinkFields.TextProblem("Description", description);
            if (descriptionProblem != null) throw new ArgumentException(descriptionProblem, nameof(description));
            Amount = amount;
            Currency = lower;
            Title = title;
            Description = description;
            Multiple = multiple;
        }

        public long Amount { get; }
        /// <summary>Lower case, as sent on the wire.</summary>
        public string Currency { get; }
        public string Title { get; }
        public string Description { get; }
        public bool Multiple { get; }

        internal IEnumerable<KeyValuePair<string, string>> ToForm()
        {
            yield return new KeyValuePair<string, string>("amount", Amount.ToString(CultureInfo.InvariantCulture));
            yield return new KeyValuePair<string, string>("currency", Currency);
            yield return new KeyValuePair<string, string>("title", Title);
            yield return new KeyValuePair<string, string>("description", Description);
            yield return new KeyValuePair<string, string>("multiple", Multiple ? "true" : "false");
        }
    }

    public enum ListOrder { Chronological, ReverseChronological }

    /// <summary>offset/limit paging of list endpoints.</summary>
    public sealed class ListQuery
    {
        public const int MaxLimit = 100;
        public int Offset { get; set; }
        public int Limit { get; set; } = 20;
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }
        public ListOrder Order { get; set; } = ListOrder.Chronological;

        internal string ToQueryString()
        {
            var q = new QueryBuilder();
            q.Add("offset", Offset.ToString(CultureInfo.InvariantCulture));
            q.Add("limit", Math.Min(Math.Max(Limit, 1), MaxLimit).ToString(CultureInfo.InvariantCulture));
            if (From.HasValue) q.Add("from", Iso(From.Value));
            if (To.HasValue) q.Add("to", Iso(To.Value));
            q.Add("order", Order == ListOrder.Chronological ? "chronological" : "reverse_chronological");
            return q.ToString();
        }

        internal static string Iso(DateTime value) =>
            (value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local) : value)
                .ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>page/per_page paging of /search.</summary>
    public sealed class SearchQuery
    {
        public string? Query { get; set; }
        public IDictionary<string, string> Filters { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        public int Page { get; set; } = 1;
        public int PerPage { get; set; } = 30;
        public ListOrder Order { get; set; } = ListOrder.ReverseChronological;

        internal string ToQueryString(string scope)
        {
            var q = new QueryBuilder();
            q.Add("scope", scope);
            if (!string.IsNullOrEmpty(Query)) q.Add("query", Query!);
            foreach (var f in Filters) q.Add("filters[" + f.Key + "]", f.Value);
            q.Add("page", Page.ToString(CultureInfo.InvariantCulture));
            q.Add("per_page", PerPage.ToString(CultureInfo.InvariantCulture));
            q.Add("order", Order == ListOrder.Chronological ? "chronological" : "reverse_chronological");
            return q.ToString();
        }
    }

    internal sealed class QueryBuilder
    {
        private readonly StringBuilder _sb = new StringBuilder();
        public void Add(string name, string value) =>
            _sb.Append(_sb.Length == 0 ? '?' : '&').Append(FormEncoder.Escape(name)).Append('=').Append(FormEncoder.Escape(value));
        public override string ToString() => _sb.ToString();
    }
}
