using System.Management.Automation;
using System.Reflection;
using Omise.Core;
using OmiseLinks.Commands;

namespace OmiseLinks.UnitTests;

public class CurrencySetTests
{
    [Fact]
    public void New_OmiseLink_Currency_set_is_the_core_list_of_currencies()
    {
        var set = typeof(NewOmiseLinkCommand).GetProperty(nameof(NewOmiseLinkCommand.Currency))!.GetCustomAttribute<ValidateSetAttribute>()!;

        Assert.Equal(LinkFields.Currencies, set.ValidValues);
        Assert.True(set.IgnoreCase);
    }
}
