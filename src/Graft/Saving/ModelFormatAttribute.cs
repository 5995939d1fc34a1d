namespace Graft.Saving;

/// <summary>
/// Declares a model file format that an assembly provides: <c>[assembly: ModelFormat(typeof(OnnxModelFormat))]</c>.
/// <see cref="ModelFormats"/> looks for it on the loaded assemblies and on the packages it knows by name.
/// </summary>
/// <param name="formatType">A type implementing <see cref="IModelFormat"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ModelFormatAttribute(Type formatType) : Attribute
{
    /// <summary>The type implementing <see cref="IModelFormat"/>.</summary>
    public Type FormatType { get; } = formatType;
}
