using System;
using System.Management.Automation;
using Omise.Core;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// -Currency where a wrong value fails binding (a search filter, not a CSV cell): the same rule and the same list as
    /// New-OmiseLink's rows (LinkFields), so the five currencies are written once.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateCurrencyAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = arguments is PSObject ps ? ps.BaseObject : arguments;
            if (LinkFields.NormalizeCurrency(value?.ToString(), out var problem) == null)
                throw new ValidationMetadataException(problem);
        }
    }
}
