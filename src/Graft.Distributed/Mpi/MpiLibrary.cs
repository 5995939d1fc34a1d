using System.Runtime.InteropServices;

namespace Graft.Distributed.Mpi;

/// <summary>
/// The MPI calls data-parallel training needs, bound to Open MPI's <c>libmpi.so.40</c> (Debian's
/// <c>libopenmpi3</c>, which <c>openmpi-bin</c> brings). Open MPI's handles are the addresses of
/// exported objects (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>), so they are looked up
/// by name, as mpi.h's macros would take them.
/// </summary>
/// <remarks>Every call but <see cref="Abort"/> is made from one thread (<see cref="MpiThread"/>), the one that initialized MPI.</remarks>
internal sealed unsafe class MpiLibrary
{
    /// <summary>mpi.h's MPI_THREAD_FUNNELED: only the initializing thread calls MPI.</summary>
    public const int ThreadFunneled = 1;

    private const int RtldNow = 2, RtldGlobal = 0x100;

    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<nint, int*, int> _commRank, _commSize;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> _allgather, _alltoall;
    private readonly delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int> _allgatherv;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int> _abort;

    private MpiLibrary(nint lib)
    {
        nint F(string name) => NativeLibrary.GetExport(lib, name);
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)F("MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)F("MPI_Finalize");
        _finalized = (delegate* unmanaged<int*, int>)F("MPI_Finalized");
        _commRank = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_size");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)F("MPI_Bcast");
        _allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)F("MPI_Allgather");
        _alltoall = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)F("MPI_Alltoall");
        _allgatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int>)F("MPI_Allgatherv");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)F("MPI_Allreduce");
        _barrier = (delegate* unmanaged<nint, int>)F("MPI_Barrier");
        _abort = (delegate* unmanaged<nint, int, int>)F("MPI_Abort");
        World = F("ompi_mpi_comm_world");
        Float = F("ompi_mpi_float");
        Double = F("ompi_mpi_double");
        Int = F("ompi_mpi_int");
        Sum = F("ompi_mpi_op_sum");
    }

    /// <summary>MPI_COMM_WORLD.</summary>
    public nint World { get; }
    /// <summary>MPI_FLOAT.</summary>
    public nint Float { get; }
    /// <summary>MPI_DOUBLE.</summary>
    public nint Double { get; }
    /// <summary>MPI_INT.</summary>
    public nint Int { get; }
    /// <summary>MPI_SUM.</summary>
    public nint Sum { get; }

    /// <summary>Opens Open MPI's library.</summary>
    /// <exception cref="DllNotFoundException">Open MPI is not installed.</exception>
    public static MpiLibrary Load()
    {
        // RTLD_GLOBAL: Open MPI opens its transport plugins itself, and they resolve symbols of
        // libmpi's own libraries; opened privately (the runtime's default), the plugins fail to load.
        foreach (var name in new[] { "libmpi.so.40", "libmpi.so" })
        {
            nint lib = dlopen(name, RtldNow | RtldGlobal);
            if (lib != 0) return new MpiLibrary(lib);
        }
        throw new DllNotFoundException("DataParallel.FromMpi: expected Open MPI's libmpi.so.40, got none on the library path. Install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev) and start the program with mpirun.");
    }

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern nint dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    private static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call}: expected MPI_SUCCESS, got error code {code}.");
    }

    /// <summary>MPI_Init_thread; returns the thread level provided.</summary>
    public int InitThread(int required)
    {
        int provided;
        Check(_initThread(null, null, required, &provided), "MPI_Init_thread");
        return provided;
    }

    /// <summary>MPI_Finalize.</summary>
    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    /// <summary>MPI_Finalized.</summary>
    public bool IsFinalized()
    {
        int flag;
        Check(_finalized(&flag), "MPI_Finalized");
        return flag != 0;
    }

    /// <summary>MPI_Comm_rank of the world.</summary>
    public int Rank()
    {
        int r;
        Check(_commRank(World, &r), "MPI_Comm_rank");
        return r;
    }

    /// <summary>MPI_Comm_size of the world.</summary>
    public int Size()
    {
        int s;
        Check(_commSize(World, &s), "MPI_Comm_size");
        return s;
    }

    /// <summary>MPI_Bcast over the world.</summary>
    public void Bcast(void* buffer, int count, nint type, int root) => Check(_bcast(buffer, count, type, root, World), "MPI_Bcast");

    /// <summary>MPI_Allgather over the world.</summary>
    public void Allgather(void* send, int count, nint type, void* receive) => Check(_allgather(send, count, type, receive, count, type, World), "MPI_Allgather");

    /// <summary>MPI_Alltoall over the world.</summary>
    public void Alltoall(void* send, int count, nint type, void* receive) => Check(_alltoall(send, count, type, receive, count, type, World), "MPI_Alltoall");

    /// <summary>MPI_Allgatherv over the world.</summary>
    public void Allgatherv(void* send, int count, nint type, void* receive, int* counts, int* displacements) =>
        Check(_allgatherv(send, count, type, receive, counts, displacements, type, World), "MPI_Allgatherv");

    /// <summary>MPI_Allreduce with MPI_SUM over the world (the library's own order of summation).</summary>
    public void AllreduceSum(void* send, void* receive, int count, nint type) => Check(_allreduce(send, receive, count, type, Sum, World), "MPI_Allreduce");

    /// <summary>MPI_Barrier over the world.</summary>
    public void Barrier() => Check(_barrier(World), "MPI_Barrier");

    /// <summary>MPI_Abort of the world: ends every process of the job.</summary>
    public void Abort(int code) => _abort(World, code);
}
