using System;
using System.Net;

namespace Omise.Core
{
    /// <summary>What went wrong with a request, in the terms a caller acts on.</summary>
    public enum OmiseFailureKind
    {
        /// <summary>The API answered with an error status and (usually) an Omise error body.</summary>
        Api,
        /// <summary>No answer within the timeout: the request may or may not have reached the server.</summary>
        Timeout,
        /// <summary>The connection could not be made: the request certainly did not reach the server.</summary>
        ConnectionRefused,
        /// <summary>The connection broke after the request was sent: it may have reached the server.</summary>
        ConnectionLost,
        /// <summary>
        /// A success status whose body is not a complete object of the expected type ({}, {"object":"link"}, an error
        /// object with 200, "data": null). For a create it is ambiguous: the server may have stored the link.
        /// </summary>
        InvalidResponse,
    }

    /// <summary>The one exception the core throws for a failed API call.</summary>
    public sealed class OmiseApiException : Exception
    {
        public OmiseApiException(OmiseFailureKind kind, int? statusCode, string? code, string message,
            string? location = null, string? method = null, string? path = null,
            TimeSpan? retryAfter = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            StatusCode = statusCode;
            Code = code;
            Location = location;
            Method = method;
            Path = path;
            RetryAfter = retryAfter;
        }

        public OmiseFailureKind Kind { get; }

        /// <summary>The HTTP status, or null when no response arrived.</summary>
        public int? StatusCode { get; }

        /// <summary>The Omise error code (authentication_failure, not_found, invalid_amount, ...).</summary>
        public string? Code { get; }

        /// <summary>The Omise error body's location (a documentation URL).</summary>
        public string? Location { get; }

        public string? Method { get; }
        public string? Path { get; }

        /// <summary>The Retry-After the server sent with a 429 or 503, if any.</summary>
        public TimeSpan? RetryAfter { get; }

        public bool IsRateLimited => StatusCode == 429;
        public bool IsServerError => StatusCode >= 500;

        /// <summary>
        /// 409: a request with the same Idempotency-Key is still being processed (another attempt of this row, or the same row
        /// of a second run of the same input). This request did nothing; a retry with the key gets the stored link.
        /// </summary>
        public bool IsStillProcessing => StatusCode == 409;

        /// <summary>Worth another attempt: rate limits, server errors, network failures and answers that were not a complete object.</summary>
        public bool IsTransient => (IsRateLimited || IsServerError || IsStillProcessing
            || Kind == OmiseFailureKind.Timeout || Kind == OmiseFailureKind.ConnectionRefused
            || Kind == OmiseFailureKind.ConnectionLost || Kind == OmiseFailureKind.InvalidResponse)
            && !IsProxyAuthenticationRequired;

        /// <summary>
        /// A proxy asked for credentials or refused them (407, or a proxy's own 401): another attempt with the same (or no)
        /// credentials gets the same answer.
        /// </summary>
        public bool IsProxyAuthenticationRequired => Code == "proxy_authentication_required";

        /// <summary>The Omise API refused the secret key (its own 401, not a proxy's).</summary>
        public bool IsKeyRefused => StatusCode == 401 && Kind == OmiseFailureKind.Api;

        /// <summary>
        /// False only when the request certainly did not act on the server (connection refused, 429,
        /// or a 4xx the server rejected). A create that failed this way may be retried blindly.
        /// </summary>
        public bool ServerMayHaveActed => Kind switch
        {
            OmiseFailureKind.ConnectionRefused => false,
            OmiseFailureKind.Api => StatusCode >= 500,
            _ => true,
        };
    }
}
