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
    /// Runs when the module is imported and removed. On Windows PowerShell 5.1 (.NET Framework) it lets the module's
    /// own dependency assemblies load from the module folder, switches TLS 1.2 on and lifts the per-host connection
    /// limit. On PowerShell 7 (.NET) it does nothing: the engine already loads a module's dependencies from its folder,
    /// and HttpClient there ignores ServicePointManager.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>
        /// At least this many connections per host on .NET Framework, whose default is 2: -ThrottleLimit goes up to 10
        /// and the HTTP core asks for 16 (OmiseClientOptions.MaxConnectionsPerServer).
        /// </summary>
        internal const int MinimumConnectionLimit = 16;

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
            ServicePointManager.DefaultConnectionLimit = RaisedConnectionLimit(ServicePointManager.DefaultConnectionLimit);
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
            // TLS 1.2 and the connection limit stay as they are: other code in the process may rely on them by now.
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

        /// <summary>The connection limit to use: at least <see cref="MinimumConnectionLimit"/>, never lower than it was.</summary>
        internal static int RaisedConnectionLimit(int current) => Math.Max(current, MinimumConnectionLimit);

        /// <summary>
        /// The file to load for a failed assembly bind, or null to leave the request to others. Only requests from an
        /// assembly that lives in the module folder, for an assembly file the module ships, are answered.
        /// </summary>
        internal static string? ShouldResolve(string? requestedName, string? requestingAssemblyLocation, string moduleFolder,
            IEnumerable<string> shippedFiles)
        {
            if (string.IsNullOrEmpty(requestedName) || string.IsNullOrEmpty(requestingAssemblyLocation)) return null;
            if (!SameFolder(Path.GetDirectoryName(requestingAssemblyLocation), moduleFolder)) return null;

            string? simpleName;
            try { simpleName = new AssemblyName(requestedName).Name; }
            catch (Exception ex) when (ex is ArgumentException || ex is FileLoadException) { return null; }
            if (string.IsNullOrEmpty(simpleName)) return null;

            var fileName = simpleName + ".dll";
            var shipped = shippedFiles.FirstOrDefault(f => string.Equals(f, fileName, StringComparison.OrdinalIgnoreCase));
            return shipped == null ? null : Path.Combine(moduleFolder, shipped);
        }

        private static bool SameFolder(string? a, string? b)
        {
            if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b)) return false;
            return string.Equals(Normalize(a!), Normalize(b!), StringComparison.OrdinalIgnoreCase);
        }

        private static string Normalize(string folder) =>
            Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);

        private static string ModuleFolder() => Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

        /// <summary>The AssemblyResolve handler for one module folder.</summary>
        internal sealed class DependencyResolver
        {
            private readonly string _folder;
            private readonly string[] _shippedFiles;

            internal DependencyResolver(string folder)
            {
                _folder = folder;
                _shippedFiles = Directory.GetFiles(folder, "*.dll").Select(Path.GetFileName).ToArray();
            }

            internal Assembly? Resolve(object? sender, ResolveEventArgs args)
            {
                var path = ShouldResolve(args.Name, LocationOf(args.RequestingAssembly), _folder, _shippedFiles);
                return path == null ? null : Assembly.LoadFrom(path);
            }

            private static string? LocationOf(Assembly? assembly)
            {
                if (assembly == null) return null;
                try { return assembly.Location; }
                catch (NotSupportedException) { return null; } // dynamic assemblies have no file
            }
        }
    }
}
