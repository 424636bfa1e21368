using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using Omise.Core.Models;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Turns what reaches -Id into link ids: a string, a Link, or an object (a CSV row) with an Id or LinkId property.
    /// PowerShell tries pipeline input by value before by property name and runs this transformation on the way, so
    /// rows are read here; and a row without either column fails with an error naming the columns it needs, instead
    /// of being turned into its text ('@{Name=...}') and sent as an id.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LinkIdAttribute : ArgumentTransformationAttribute
    {
        /// <summary>The other name of every -Id parameter: [Alias(LinkIdAttribute.Alias)].</summary>
        public const string Alias = "LinkId";

        /// <summary>The columns of a row that hold a link id, in the order they are read: -Id's name, then its alias.</summary>
        internal static readonly string[] Columns = { "Id", Alias };

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = Unwrap(inputData);
            if (value is IEnumerable items && !(value is string))
            {
                var ids = new List<string>();
                foreach (var item in items) ids.Add(IdOf(item));
                return ids.ToArray();
            }
            return new[] { IdOf(inputData) };
        }

        private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

        private static string IdOf(object? input)
        {
            var value = Unwrap(input);
            switch (value)
            {
                case string text when !string.IsNullOrWhiteSpace(text): return text.Trim();
                case string _: throw Fail("an empty link id");
                case Link link: return link.Id;
                case null: throw Fail("an empty link id");
            }
            var row = input as PSObject ?? PSObject.AsPSObject(value);
            foreach (var name in Columns)
            {
                var property = row.Properties[name];
                if (property == null) continue;
                var id = Unwrap(property.Value) as string;
                if (string.IsNullOrWhiteSpace(id)) throw Fail($"an object whose {property.Name} is empty");
                return id!.Trim();
            }
            throw Fail("an object without an Id or LinkId property");
        }

        private static ArgumentTransformationMetadataException Fail(string what) => new ArgumentTransformationMetadataException(
            $"Got {what} where a link id was expected. Give link ids (link_...), links, or objects (CSV rows) with an Id or LinkId column.");
    }
}
