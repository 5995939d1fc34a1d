using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Graft;

/// <summary>
/// Where Graft's messages go. The library never writes to the console by itself: warnings (a model
/// that loaded but could not be compiled, weights skipped on load, a <c>Trainable</c> flag changed
/// after <c>Compile</c>) go to loggers from <see cref="LoggerFactory"/>, and training progress
/// (<c>Fit</c>'s <c>verbose</c> display, the callbacks' <c>verbose</c> lines such as EarlyStopping's
/// "Epoch 5: early stopping") goes to <see cref="ProgressWriter"/>. Both default to nowhere; an
/// application that wants Keras's console output sets them once, as the <c>graft</c> command does.
/// </summary>
/// <remarks>
/// These are process-wide output settings, kept in this one place so that they can move, unchanged
/// in name, into a context object that holds the rest of Graft's process-wide configuration.
/// </remarks>
public static class Logging
{
    private static volatile ILoggerFactory s_loggerFactory = NullLoggerFactory.Instance;
    private static volatile TextWriter? s_progressWriter;

    /// <summary>
    /// The factory Graft's loggers come from (categories <c>Graft.Saving</c> and
    /// <c>Graft.Training</c>); <see cref="NullLoggerFactory"/> by default. Setting null restores the default.
    /// </summary>
    public static ILoggerFactory LoggerFactory
    {
        get => s_loggerFactory;
        set => s_loggerFactory = value ?? NullLoggerFactory.Instance;
    }

    /// <summary>
    /// The writer that receives training progress: <c>Fit</c>'s display when <c>verbose</c> is 1 or 2,
    /// and the lines callbacks print when their own <c>verbose</c> is set. Null (the default) writes
    /// nothing. <c>Fit</c> reads it once, when it starts. Set it to <see cref="Console.Out"/> for
    /// Keras's behaviour; on a terminal, verbose 1 then redraws its progress bar in place.
    /// </summary>
    public static TextWriter? ProgressWriter
    {
        get => s_progressWriter;
        set => s_progressWriter = value;
    }

    /// <summary>The logger for loading and saving models and weights.</summary>
    internal static ILogger Saving => s_loggerFactory.CreateLogger("Graft.Saving");

    /// <summary>The logger for <c>Compile</c>, <c>Fit</c> and the callbacks.</summary>
    internal static ILogger Training => s_loggerFactory.CreateLogger("Graft.Training");
}
