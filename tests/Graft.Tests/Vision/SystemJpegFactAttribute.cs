using Graft.Vision;

namespace Graft.Tests.Vision;

/// <summary>
/// A test that compares the system's libjpeg-turbo with SkiaSharp: skipped, saying why, where the
/// library is absent (the tests need only the .NET SDK), as the mpirun tests are; CI installs it.
/// </summary>
public sealed class SystemJpegFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless <see cref="TurboJpeg.IsAvailable"/>.</summary>
    public SystemJpegFactAttribute()
    {
        if (!TurboJpeg.IsAvailable) Skip = SystemJpegTheoryAttribute.Reason;
    }
}

/// <summary>The theory form of <see cref="SystemJpegFactAttribute"/>.</summary>
public sealed class SystemJpegTheoryAttribute : TheoryAttribute
{
    internal const string Reason = "libturbojpeg.so.0 not found or not decoding as SkiaSharp does: install libturbojpeg0 (Debian), as .ci/run does.";

    /// <summary>Skips the test unless <see cref="TurboJpeg.IsAvailable"/>.</summary>
    public SystemJpegTheoryAttribute()
    {
        if (!TurboJpeg.IsAvailable) Skip = Reason;
    }
}
