namespace Graft.Saving;

/// <summary>A model file or config is malformed: the message names the file and the object path inside it.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and object.</summary>
    public ModelFormatException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="objectPath"/>.</summary>
    public ModelFormatException(string path, string objectPath, string message, Exception? inner = null)
        : base($"{path} [{objectPath}]: {message}", inner) { FilePath = path; ObjectPath = objectPath; }

    /// <summary>The file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The object path inside the file, when known.</summary>
    public string? ObjectPath { get; }
}
