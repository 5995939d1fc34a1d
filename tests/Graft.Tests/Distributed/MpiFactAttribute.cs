namespace Graft.Tests.Distributed;

/// <summary>A test that starts ranks with <c>mpirun</c>; skipped, saying why, where Open MPI is not installed.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless <c>mpirun</c> is on the PATH.</summary>
    public MpiFactAttribute()
    {
        if (MpiJob.MpirunPath is null)
            Skip = "mpirun not found on the PATH: install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev), as .ci/run does.";
    }
}
