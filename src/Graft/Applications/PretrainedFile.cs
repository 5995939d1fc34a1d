namespace Graft.Applications;

/// <summary>One of Keras's published files: its name in the cache, where Keras serves it, and the MD5 Keras publishes (null where Keras publishes none).</summary>
internal sealed record PretrainedFile(string FileName, string Url, string? Md5);
