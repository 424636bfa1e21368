using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace OmiseLinks
{
    /// <summary>
    /// SIGTERM (a stopped container, a cancelled CI job, <c>kill &lt;pid&gt;</c>) while a run is registered: the process is not
    /// ended at once but told, so the run can stop sending, write what was created and end with its summary.
    /// <para>
    /// pwsh 7.6 registers no SIGTERM handler of its own (only .NET's Console handlers for SIGINT and SIGQUIT), and .NET's
    /// default for SIGTERM ends the process without running ProcessExit handlers, PowerShell finally blocks or the
    /// pipeline's end (exit status 143): everything a run had created but not yet written was lost. With a registration,
    /// the first SIGTERM is cancelled and handed to the run; a second one is left to the default, so a process that is
    /// asked twice ends at once. With no run registered (before, between and after runs) SIGTERM does what it always did.
    /// </para>
    /// <para>
    /// Reached through PosixSignalRegistration (.NET 6 and later), by reflection because the module is built for
    /// netstandard2.0. Nothing on Windows or on .NET Framework (Windows PowerShell 5.1): there SIGTERM is not how a
    /// process is asked to stop, and Ctrl+C, SIGINT, already stops the pipeline.
    /// </para>
    /// </summary>
    internal static class TerminationSignal
    {
        /// <summary>How the run's end names the cause, in the warning and the summary line.</summary>
        public const string Reason = "the process was asked to stop (SIGTERM)";

        private static readonly Lazy<Api?> Posix = new Lazy<Api?>(Api.Find);

        /// <summary>True where SIGTERM can be taken over (PowerShell 7 on Linux or macOS).</summary>
        public static bool Supported => Posix.Value != null;

        /// <summary>
        /// Until the result is disposed, the first SIGTERM does not end the process: it calls <paramref name="onTerminate"/>
        /// (on a thread of its own; keep it short and thread-safe). Where SIGTERM cannot be taken over, a registration that
        /// does nothing. Never null.
        /// </summary>
        public static IDisposable Register(Action onTerminate)
        {
            if (onTerminate == null) throw new ArgumentNullException(nameof(onTerminate));
            var api = Posix.Value;
            if (api == null) return Registration.None;
            var registration = new Registration(onTerminate, api);
            try
            {
                registration.Handle = (IDisposable)api.Create.Invoke(null, new[] { api.SigTerm, registration.CreateHandler(api.HandlerType) })!;
            }
            catch (Exception)
            {
                // Refused by the runtime (a platform without signals): the process keeps its default.
                return Registration.None;
            }
            return registration;
        }

        private sealed class Registration : IDisposable
        {
            public static readonly Registration None = new Registration(null, null);

            private readonly Action? _onTerminate;
            private readonly Api? _api;
            private int _signalled;

            public Registration(Action? onTerminate, Api? api)
            {
                _onTerminate = onTerminate;
                _api = api;
            }

            public IDisposable? Handle { get; set; }

            public Delegate CreateHandler(Type handlerType) =>
                // Action<PosixSignalContext> bound to a method taking object: delegate parameters are contravariant.
                Delegate.CreateDelegate(handlerType, this, typeof(Registration).GetMethod(nameof(OnSignal), BindingFlags.Instance | BindingFlags.NonPublic)!);

            private void OnSignal(object context)
            {
                // The second SIGTERM is not cancelled: the process ends as it would have without the run.
                if (Interlocked.Exchange(ref _signalled, 1) != 0) return;
                _api!.Cancel.SetValue(context, true);
                try { _onTerminate!(); }
                catch (Exception) { }
            }

            public void Dispose()
            {
                Handle?.Dispose();
                Handle = null;
            }
        }

        private sealed class Api
        {
            private Api(MethodInfo create, object sigTerm, Type handlerType, PropertyInfo cancel)
            {
                Create = create;
                SigTerm = sigTerm;
                HandlerType = handlerType;
                Cancel = cancel;
            }

            public MethodInfo Create { get; }
            public object SigTerm { get; }
            public Type HandlerType { get; }
            public PropertyInfo Cancel { get; }

            public static Api? Find()
            {
                try
                {
                    if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
                    const string Space = "System.Runtime.InteropServices.";
                    var registration = Type.GetType(Space + "PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);
                    var signal = registration?.Assembly.GetType(Space + "PosixSignal") ?? Type.GetType(Space + "PosixSignal, System.Runtime.InteropServices", false);
                    var context = registration?.Assembly.GetType(Space + "PosixSignalContext") ?? Type.GetType(Space + "PosixSignalContext, System.Runtime.InteropServices", false);
                    if (registration == null || signal == null || context == null) return null;
                    var handlerType = typeof(Action<>).MakeGenericType(context);
                    var create = registration.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { signal, handlerType }, null);
                    var cancel = context.GetProperty("Cancel", BindingFlags.Public | BindingFlags.Instance);
                    if (create == null || cancel == null || !cancel.CanWrite) return null;
                    return new Api(create, Enum.Parse(signal, "SIGTERM"), handlerType, cancel);
                }
                catch (Exception)
                {
                    return null;
                }
            }
        }
    }
}
