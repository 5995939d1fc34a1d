namespace Graft.Vision;

/// <summary>The image file extensions Keras's <c>image_dataset_from_directory</c> accepts.</summary>
internal static class ImageFormats
{
    /// <summary>Lower-case extensions, with the dot, as Keras's ALLOWLIST_FORMATS.</summary>
    public static readonly string[] Extensions = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];
}
