using System.Management.Automation;
using System.Reflection;
using Omise.Core;
using OmiseLinks.Commands;

namespace OmiseLinks.UnitTests;

public class CurrencySetTests
{
    [Theory]
    [InlineData(typeof(NewOmiseLinkCommand))]
    [InlineData(typeof(GetOmiseLinkCommand))]
    public void The_Currency_set_is_the_core_list_of_currencies(Type cmdlet)
    {
        var set = cmdlet.GetProperty("Currency")!.GetCustomAttribute<ValidateSetAttribute>()!;

        Assert.Equal(LinkFields.Currencies, set.ValidValues);
        Assert.True(set.IgnoreCase);
    }
}
