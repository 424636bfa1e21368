using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace OmiseLinks
{
    /// <summary>
    /// Runs when the module is imported and removed. On Windows PowerShell 5.1 (.NET Framework) it answers failed binds
    /// for the dependency assemblies the module ships (acting as the binding redirects powershell.exe lacks) and switches
    /// TLS 1.2 on. On PowerShell 7 (.NET) it does nothing: the engine already loads a module's dependencies from its
    /// folder, and HttpClient there ignores ServicePointManager.
    /// The connection limit is not touched: on .NET Framework 4.7.1 and later the HTTP core's
    /// HttpClientHandler.MaxConnectionsPerServer sets the limit of its own ServicePoint, so the process-wide
    /// ServicePointManager.DefaultConnectionLimit (every other module's connections) stays as the user left it.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly object Gate = new object();
        private static DependencyResolver? _resolver;
        private static int _imports;

        /// <summary>True while the AssemblyResolve handler is attached (only ever on .NET Framework).</summary>
        internal static bool ResolverHooked
        {
            get { lock (Gate) return _resolver != null; }
        }

        public void OnImport()
        {
            if (!IsNetFramework(RuntimeInformation.FrameworkDescription)) return;

            lock (Gate)
            {
                // One module may be imported into many runspaces of one process: hook once, unhook after the last removal.
                _imports++;
                if (_resolver == null)
                {
                    _resolver = new DependencyResolver(ModuleFolder());
                    AppDomain.CurrentDomain.AssemblyResolve += _resolver.Resolve;
                }
            }

            ServicePointManager.SecurityProtocol = WithTls12(ServicePointManager.SecurityProtocol);
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            lock (Gate)
            {
                if (_resolver == null) return;
                if (--_imports > 0) return;
                AppDomain.CurrentDomain.AssemblyResolve -= _resolver.Resolve;
                _resolver = null;
                _imports = 0;
            }
            // TLS 1.2 stays on: other code in the process may rely on them by now.
        }

        /// <summary>True for the .NET Framework (Windows PowerShell 5.1), false for .NET Core / .NET 5+ (PowerShell 7).</summary>
        internal static bool IsNetFramework(string? frameworkDescription) =>
            frameworkDescription != null && frameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The protocols to use: TLS 1.2 added to what is enabled, nothing taken away. SystemDefault (0) is left alone:
        /// there the operating system chooses, and it offers TLS 1.2 (and newer) by itself; pinning it would take TLS 1.3 away.
        /// </summary>
        internal static SecurityProtocolType WithTls12(SecurityProtocolType current) =>
            current == 0 ? current : current | SecurityProtocolType.Tls12;

        /// <summary>
        /// The file to load for a failed assembly bind, or null to leave the request to others. A request is answered,
        /// whoever makes it, when it names an assembly the module ships (same simple name, same public key token, neutral
        /// culture) at a version no newer than the shipped file's: that is what a binding redirect would do. A request for a
        /// newer version than shipped is not answered: handing out an older assembly would only move the failure to a
        /// MissingMethodException later, while "Could not load file or assembly" names the real culprit. Whoever asks
        /// matters not: on Windows PowerShell a System.Memory bound from the GAC asks for the Unsafe or Buffers version it
        /// was built against, and nothing else in powershell.exe answers that.
        /// </summary>
        /// <param name="requestedName">The display name the runtime failed to bind.</param>
        /// <param name="moduleFolder">The folder the shipped files are in.</param>
        /// <param name="shipped">The names of the assemblies in the module folder (each file is named after its assembly).</param>
        internal static string? ShouldResolve(string? requestedName, string moduleFolder, IEnumerable<AssemblyName> shipped)
        {
            if (string.IsNullOrEmpty(requestedName)) return null;

            AssemblyName requested;
            try { requested = new AssemblyName(requestedName); }
            catch (Exception ex) when (ex is ArgumentException || ex is FileLoadException) { return null; }
            if (string.IsNullOrEmpty(requested.Name)) return null;
            if (!string.IsNullOrEmpty(requested.CultureName)) return null; // satellite resources: never shipped here

            var match = shipped.FirstOrDefault(a => string.Equals(a.Name, requested.Name, StringComparison.OrdinalIgnoreCase));
            if (match == null) return null;
            if (!SameToken(requested.GetPublicKeyToken(), match.GetPublicKeyToken())) return null;
            if (requested.Version != null && match.Version != null && requested.Version > match.Version) return null;
            return Path.Combine(moduleFolder, match.Name + ".dll");
        }

        /// <summary>Equal tokens, or a request that names none (a partial name).</summary>
        private static bool SameToken(byte[]? requested, byte[]? shipped)
        {
            if (requested == null || requested.Length == 0) return true;
            return shipped != null && requested.SequenceEqual(shipped);
        }

        /// <summary>The assembly names of the DLLs in <paramref name="folder"/>; a file that is not an assembly is skipped.</summary>
        internal static AssemblyName[] ReadShipped(string folder)
        {
            var names = new List<AssemblyName>();
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
            {
                try { names.Add(AssemblyName.GetAssemblyName(file)); }
                catch (Exception ex) when (ex is BadImageFormatException || ex is FileLoadException || ex is IOException) { }
            }
            return names.ToArray();
        }

        private static string ModuleFolder() => Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

        /// <summary>The AssemblyResolve handler for one module folder.</summary>
        internal sealed class DependencyResolver
        {
            private readonly string _folder;
            private readonly AssemblyName[] _shipped;

            internal DependencyResolver(string folder)
            {
                _folder = folder;
                _shipped = ReadShipped(folder);
            }

            internal Assembly? Resolve(object? sender, ResolveEventArgs args)
            {
                var path = ShouldResolve(args.Name, _folder, _shipped);
                return path == null ? null : Assembly.LoadFrom(path);
            }
        }
    }
}
