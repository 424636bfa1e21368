using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Omise.Core;
using OmiseLinks.Binding;

namespace OmiseLinks.UnitTests;

/// <summary>
/// -Session given a session that crossed a process boundary (Start-Job, remoting, Import-Clixml). The deserialized object
/// is made by PowerShell's own serializer (PSSerializer, what jobs and remoting use), and bound in a real runspace.
/// </summary>
public class SessionTransformationTests
{
    private static OmiseSession NewSession() =>
        new(new OmiseClient(new OmiseClientOptions(SecretKey.Parse("skey_test_5xyz0000000000000000000"), new Uri("http://127.0.0.1:9/"))),
            "acct_test_1", "ops@example.com");

    /// <summary>What arrives in a job for $using:session: the session serialized and deserialized.</summary>
    private static PSObject AsInAJob(OmiseSession session) =>
        (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(session));

    [Fact]
    public void A_session_that_went_through_the_serializer_is_recognised_and_carries_no_key()
    {
        var session = NewSession();
        var arrived = AsInAJob(session);

        Assert.Contains(SessionTransformationAttribute.DeserializedTypeName, arrived.TypeNames);
        Assert.True(SessionTransformationAttribute.IsDeserializedSession(arrived));
        Assert.DoesNotContain("skey_test_5xyz0000000000000000000", PSSerializer.Serialize(session));
    }

    [Fact]
    public void The_live_session_and_anything_else_pass_through_unchanged()
    {
        var attribute = new SessionTransformationAttribute();
        var session = NewSession();
        var wrapped = PSObject.AsPSObject(session);

        Assert.Same(session, attribute.Transform(null!, session));
        Assert.Same(wrapped, attribute.Transform(null!, wrapped));
        Assert.Equal("text", attribute.Transform(null!, "text"));
        Assert.Null(attribute.Transform(null!, null!));
        var lookalike = new PSObject();
        lookalike.TypeNames.Insert(0, "Deserialized.Something.Else");
        Assert.Same(lookalike, attribute.Transform(null!, lookalike));
    }

    [Fact]
    public void A_deserialized_session_is_refused_with_what_to_do_instead()
    {
        var ex = Assert.Throws<ArgumentTransformationMetadataException>(
            () => new SessionTransformationAttribute().Transform(null!, AsInAJob(NewSession())));
        Assert.Contains("Connect-Omise", ex.Message);
        Assert.Contains("OMISE_SECRET_KEY", ex.Message);
        Assert.Contains("$using:cred", ex.Message);
    }

    [Fact]
    public void Binding_a_deserialized_session_in_a_real_runspace_fails_on_Session_with_that_message()
    {
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddCommand("Import-Module").AddParameter("Name", typeof(SessionTransformationAttribute).Assembly.Location).Invoke();
        Assert.False(ps.HadErrors);

        ps.Commands.Clear();
        ps.AddCommand("Get-OmiseLink").AddParameter("Id", "link_test_1").AddParameter("Session", AsInAJob(NewSession()));
        var ex = Assert.ThrowsAny<ParameterBindingException>(() => ps.Invoke());

        Assert.Equal("Session", ex.ParameterName);
        Assert.Equal("ParameterArgumentTransformationError", ex.ErrorId);
        Assert.Contains("never leaves the process", ex.Message);
        Assert.StartsWith("ParameterArgumentTransformationError", ex.ErrorRecord.FullyQualifiedErrorId);
    }
}
