using System.Xml.Linq;
using Graft.Tests.Testing;

namespace Graft.Tests.Packaging;

/// <summary>
/// The repository carries a licence and every packable project gives NuGet a licence, a readme and
/// a real description, so a package never ships as "Package Description" with no terms.
/// </summary>
public class PackageMetadataTests
{
    private static string Root => RepositoryData.Root;

    private static Dictionary<string, string> Properties(params string[] projectFiles)
    {
        // Later files override earlier ones, as MSBuild imports Directory.Build.props first.
        var props = new Dictionary<string, string>();
        foreach (var file in projectFiles)
            foreach (var e in XDocument.Load(Path.Combine(Root, file)).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup"))
                props[e.Name.LocalName] = e.Value.Trim();
        return props;
    }

    [Fact]
    public void RepositoryHasTheApacheLicence()
    {
        string licence = File.ReadAllText(Path.Combine(Root, "LICENSE"));
        Assert.Contains("Apache License", licence);
        Assert.Contains("Version 2.0", licence);
    }

    [Theory]
    [InlineData("src/Graft/Graft.csproj")]
    [InlineData("src/Graft.Cli/Graft.Cli.csproj")]
    public void PackableProjectsDeclareLicenceReadmeAndDescription(string project)
    {
        var props = Properties("Directory.Build.props", project);
        Assert.Equal("Apache-2.0", props.GetValueOrDefault("PackageLicenseExpression"));
        Assert.Equal("README.md", props.GetValueOrDefault("PackageReadmeFile"));
        Assert.Equal("true", props.GetValueOrDefault("PublishRepositoryUrl"));
        Assert.False(string.IsNullOrWhiteSpace(props.GetValueOrDefault("Authors")), $"{project}: expected Authors, got none.");
        string description = props.GetValueOrDefault("Description") ?? "";
        Assert.True(description.Length > 20 && description != "Package Description", $"{project}: expected a real Description, got '{description}'.");
        var packed = XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("None")
            .Where(n => n.Attribute("Pack")?.Value == "true").Select(n => n.Attribute("Include")!.Value.Replace("$(MSBuildThisFileDirectory)", "")).ToList();
        Assert.Contains("README.md", packed);
        Assert.Contains("LICENSE", packed);
    }

    [Fact]
    public void CliIsADotnetToolNamedGraft()
    {
        var props = Properties("Directory.Build.props", "src/Graft.Cli/Graft.Cli.csproj");
        Assert.Equal("true", props.GetValueOrDefault("PackAsTool"));
        Assert.Equal("graft", props.GetValueOrDefault("ToolCommandName"));
    }
}
