namespace Graft.Tests.Testing;

/// <summary>
/// Tests of the kernels' worker team, of which the process has one: a test that waits for its parts to
/// run on other threads needs the team to itself, because while another test's kernel holds it,
/// <c>WorkerPool.Run</c> runs every part on the caller, one after another. They run alone, after the rest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerTeamCollection
{
    /// <summary>The collection's name, for <c>[Collection(WorkerTeamCollection.Name)]</c>.</summary>
    public const string Name = "Worker team";
}
