using Interp.Images;

namespace Interp.Datasets;

/// <summary>
/// The natural photographs shipped with the project as one dataset: the samples in <c>data/images</c> followed by the
/// collection in <c>data/photos</c> (provenance and licences in each folder's README). A small, real set for dataset
/// examples and natural activation scales; point <see cref="FolderImages"/> at ImageNet for a real study.
/// </summary>
public static class SamplePhotos
{
    /// <summary>The folder of the larger collection, <c>data/photos</c>.</summary>
    public static string Folder => Path.Combine(Runtime.InterpPaths.DataFolder(), "photos");

    /// <summary>All shipped photos, <c>data/images</c> first, each folder in ordinal file order.</summary>
    public static IImageSource All() => new ConcatImages("sample photos", new FolderImages(SampleImages.Folder), new FolderImages(Folder));

    /// <summary>All shipped photos cut into crops on <paramref name="grids"/> (see <see cref="ImageCrops"/>).</summary>
    public static ImageCrops Crops(params int[] grids) => new(All(), grids);
}
