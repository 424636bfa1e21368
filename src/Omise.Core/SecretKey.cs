using System;

namespace Omise.Core
{
    /// <summary>
    /// A secret key that never shows itself: ToString and every property but <see cref="Hint"/>
    /// leave the key out, so it cannot reach output, logs or error messages by accident.
    /// </summary>
    public sealed class SecretKey
    {
        private readonly string _value;

        private SecretKey(string value) => _value = value;

        /// <summary>Checks the shape of a key before any request is sent; throws ArgumentException with what to use instead.</summary>
        public static SecretKey Parse(string? key)
        {
            var trimmed = (key ?? string.Empty).Trim();
            if (trimmed.Length == 0)
                throw new ArgumentException("The secret key is empty. Give your Omise secret key (it starts with skey_), found in the Omise dashboard under Keys.");
            if (trimmed.StartsWith("pkey_", StringComparison.Ordinal))
                throw new ArgumentException("That is an Omise public key (pkey_...). Public keys only create tokens in a browser; links need your secret key, which starts with skey_ (Omise dashboard, Keys).");
            if (!trimmed.StartsWith("skey_", StringComparison.Ordinal) || trimmed.Length < 10 || HasWhiteSpaceOrControl(trimmed))
                throw new ArgumentException("That is not an Omise secret key. A secret key starts with skey_ (test keys with skey_test_); find it in the Omise dashboard under Keys.");
            return new SecretKey(trimmed);
        }

        /// <summary>True for test-mode keys (skey_test_...).</summary>
        public bool IsTestKey => _value.StartsWith("skey_test_", StringComparison.Ordinal);

        /// <summary>Enough to tell keys apart, never enough to use one: "skey_test_…u0t".</summary>
        public string Hint
        {
            get
            {
                var prefix = IsTestKey ? "skey_test_" : "skey_";
                var tail = _value.Length - prefix.Length >= 8 ? _value.Substring(_value.Length - 3) : string.Empty;
                return prefix + "\u2026" + tail;
            }
        }

        internal string BasicAuthorizationValue =>
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_value + ":"));

        public override string ToString() => Hint;

        internal const string Redacted = "[redacted]";

        /// <summary>
        /// <paramref name="text"/> without the key, the base64 of "key:" (a Basic Authorization value) or of the key alone,
        /// padded or not: for any text a server or a hop supplied, which may echo the request's Authorization header.
        /// </summary>
        internal string? Redact(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text;
            // Longest first: the base64 forms share their first characters, and an unpadded form also takes a padded one's body.
            foreach (var secret in new[] { BasicAuthorizationValue.TrimEnd('='), Base64(_value).TrimEnd('='), _value })
                if (text!.IndexOf(secret, StringComparison.Ordinal) >= 0) text = text.Replace(secret, Redacted);
            return text;
        }

        private static string Base64(string value) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value));

        private static bool HasWhiteSpaceOrControl(string s)
        {
            foreach (var c in s)
                if (char.IsWhiteSpace(c) || char.IsControl(c)) return true;
            return false;
        }
    }
}
