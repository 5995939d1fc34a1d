using Microsoft.Extensions.Logging;

namespace Graft;

/// <summary>
/// Graft's loggers, from the current context's <see cref="GraftContext.LoggerFactory"/>. The library
/// never writes to the console by itself: warnings go to these loggers and training progress to
/// <see cref="GraftContext.ProgressWriter"/>, both nowhere until an application sets them.
/// </summary>
internal static class Logging
{
    /// <summary>The logger for loading and saving models and weights.</summary>
    internal static ILogger Saving => GraftContext.Current.LoggerFactory.CreateLogger("Graft.Saving");

    /// <summary>The logger for <c>Compile</c>, <c>Fit</c> and the callbacks.</summary>
    internal static ILogger Training => GraftContext.Current.LoggerFactory.CreateLogger("Graft.Training");
}
