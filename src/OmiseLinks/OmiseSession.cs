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
            ConnectedAt = LinkOutput.Timestamp(DateTime.UtcNow)!;
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
        /// What Connect-Omise says on success, in one line: "Connected to Omise account acct_... (a@b.c) in TEST mode with
        /// skey_test_…abc at https://api.omise.co/ through the proxy http://p:3128/".
        /// </summary>
        internal string ConnectedLine()
        {
            var account = AccountId == null
                ? "Connected to Omise (key not checked: -SkipValidation)"
                : "Connected to Omise account " + AccountId + (string.IsNullOrEmpty(AccountEmail) ? "" : " (" + AccountEmail + ")");
            var proxy = Client.Proxy == null ? "" : " through the proxy " + Proxy;
            return $"{account} in {Mode.ToUpperInvariant()} mode with {KeyHint} at {ApiUri}{proxy}";
        }
    }
}
