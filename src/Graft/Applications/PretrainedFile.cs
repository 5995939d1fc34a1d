namespace Graft.Applications;

/// <summary>One of Keras's published files: its name in the cache, where Keras serves it, and the hash Keras publishes: MD5, or SHA-256 at 64 hex digits (null where Keras publishes none).</summary>
internal sealed record PretrainedFile(string FileName, string Url, string? Hash);
