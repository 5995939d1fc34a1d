namespace Graft.Tests.Testing;

/// <summary>
/// Tests that redirect <see cref="Console.Out"/> and <see cref="Console.Error"/> (<see cref="ConsoleCapture"/>),
/// which are process-wide: the command's tests read what it printed, and the library's tests check that
/// it printed nothing, so no other test may run beside them. They run one at a time, after the rest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name, for <c>[Collection(ConsoleCollection.Name)]</c>.</summary>
    public const string Name = "Console";
}
