using System;
using Omise.Core;

namespace OmiseLinks
{
    /// <summary>
    /// A connection to the Omise API: which endpoint, which key (as a hint only), which mode.
    /// The key itself is held by the client inside and is never a property, nor part of ToString.
    /// </summary>
    public sealed class OmiseSession
    {
        internal OmiseSession(OmiseClient client, string? accountId, string? accountEmail)
        {
            Client = client;
            AccountId = accountId;
            AccountEmail = accountEmail;
            ConnectedAt = Timestamp.FromUtc(DateTime.UtcNow)!.ToString();
        }

        internal OmiseClient Client { get; }

        public Uri ApiUri => Client.Options.BaseUri;
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An instance property so the session object shows it.")]
        public string ApiVersion => OmiseClientOptions.ApiVersion;

        /// <summary>Test or Live, from the key.</summary>
        public string Mode => Client.Options.SecretKey.IsTestKey ? "Test" : "Live";

        /// <summary>Enough of the key to recognise it, e.g. skey_test_…u0t.</summary>
        public string KeyHint => Client.Options.SecretKey.Hint;

        /// <summary>The account the key belongs to; empty when connected with -SkipValidation.</summary>
        public string? AccountId { get; }
        public string? AccountEmail { get; }

        /// <summary>
        /// The proxy requests go through: the -Proxy given, "http://host:port/ (system)" for the system proxy, or "none".
        /// </summary>
        public string Proxy
        {
            get
            {
                var proxy = Client.Proxy;
                if (proxy == null) return "none";
                var text = proxy.Scheme + "://" + proxy.Authority + "/";
                return Client.Options.Proxy != null ? text : text + " (system)";
            }
        }

        /// <summary>False when Connect-Omise was told -SkipValidation, so no request has checked the key yet.</summary>
        public bool Validated => AccountId != null;

        /// <summary>When Connect-Omise made the session: ISO 8601 in local time with its offset, as link times are shown.</summary>
        public string ConnectedAt { get; }

        private readonly System.Collections.Generic.LinkedList<string> _recentLinkIds = new System.Collections.Generic.LinkedList<string>();
        internal const int RecentLinkCapacity = 200;

        /// <summary>Remembers a link id this session created or read, newest first, for tab completion of -Id.</summary>
        internal void RememberLink(string id)
        {
            lock (_recentLinkIds)
            {
                _recentLinkIds.Remove(id);
                _recentLinkIds.AddFirst(id);
                while (_recentLinkIds.Count > RecentLinkCapacity) _recentLinkIds.RemoveLast();
            }
        }

        /// <summary>Drops a link id from tab completion: a removed link is no longer worth offering.</summary>
        internal void ForgetLink(string id)
        {
            lock (_recentLinkIds) _recentLinkIds.Remove(id);
        }

        /// <summary>The link ids this session has seen lately, newest first.</summary>
        internal string[] RecentLinkIds()
        {
            lock (_recentLinkIds) return System.Linq.Enumerable.ToArray(_recentLinkIds);
        }

        public override string ToString() => $"Omise {Mode} session {KeyHint} at {ApiUri}";

        /// <summary>
        /// What Connect-Omise says on success, mode first, in one line that fits 120 columns for the usual case:
        /// "Connected to Omise in TEST mode: account acct_... (a@b.c), key skey_test_…abc", then the API address when it
        /// is not the default one and the proxy when there is one.
        /// </summary>
        internal string ConnectedLine()
        {
            var text = $"Connected to Omise in {Mode.ToUpperInvariant()} mode: ";
            text += AccountId == null
                ? "account not checked (-SkipValidation)"
                : "account " + AccountId + (string.IsNullOrEmpty(AccountEmail) ? "" : " (" + AccountEmail + ")");
            text += ", key " + KeyHint;
            if (ApiUri != ApiEndpoint.Default) text += ", API " + ApiUri;
            if (Client.Proxy != null) text += ", proxy " + Proxy;
            return text;
        }
    }
}
