using Interp.Datasets;
using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Tests.Datasets;

public class ImageSourceTests
{
    /// <summary>Image i is [3, h, w] with pixel (c, y, x) = i·1000 + c·100 + y·10 + x… scaled into [0, 1] by /10000.</summary>
    static Tensor Numbered(int i, int h, int w)
    {
        var c = arange(3).view(3, 1, 1) * 100;
        var y = arange(h).view(1, h, 1) * 10;
        var x = arange(w).view(1, 1, w);
        return ((c + y + x + i * 1000) / 10000.0).to(float32);
    }

    [Fact]
    public void Concatenated_sources_run_through_each_part_in_turn_and_skip_empty_parts()
    {
        var a = new MemoryImages("a", [Numbered(0, 4, 4), Numbered(1, 4, 4)]);
        var empty = new MemoryImages("empty", []);
        var b = new MemoryImages("b", [Numbered(2, 4, 4)]);
        var all = new ConcatImages("all", empty, a, empty, b, empty);
        Assert.Equal(3, all.Count);
        for (int i = 0; i < 3; i++)
        {
            using var img = all.Load(i);
            Assert.Equal(i * 1000 / 10000.0, img[0, 0, 0].item<float>(), 6);
        }
        Assert.Equal(["0", "1", "0"], Enumerable.Range(0, 3).Select(all.Id));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => all.Load(3));
        Assert.Contains("0..2", e.Message);
    }

    [Fact]
    public void A_subset_reads_the_chosen_images_of_its_source_and_refuses_indices_outside_it()
    {
        var source = new MemoryImages("five", Enumerable.Range(0, 5).Select(i => Numbered(i, 2, 2)).ToList());
        var even = SubsetImages.Half(source, even: true);
        var odd = SubsetImages.Half(source, even: false);
        Assert.Equal((3, 2), (even.Count, odd.Count));
        Assert.Equal("five [even-numbered]", even.Name);
        Assert.Equal([0, 2, 4], Enumerable.Range(0, 3).Select(even.SourceIndex));
        using (var img = odd.Load(1)) Assert.Equal(0.3f, img[0, 0, 0].item<float>(), 6);   // image 3 of the source
        var picked = new SubsetImages(source, "picked", [4, 1]);
        Assert.Equal(["4", "1"], Enumerable.Range(0, 2).Select(picked.Id));
        Assert.Contains("0..4", Assert.Throws<ArgumentException>(() => new SubsetImages(source, "x", [5])).Message);
        Assert.Contains("image -1", Assert.Throws<ArgumentException>(() => new SubsetImages(source, "x", [-1])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new SubsetImages(source, "x", [1, 1])).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => new SubsetImages(source, "x", [])).Message);
        Assert.Contains("0..1", Assert.Throws<ArgumentOutOfRangeException>(() => odd.Load(2)).Message);
    }

    [Fact]
    public void Crop_squares_tile_the_short_side_and_spread_along_the_long_side()
    {
        Assert.Equal((0, 3, 10), ImageCrops.Square(10, 16, 1, 0, 0));          // the centred square
        Assert.Equal((0, 0, 5), ImageCrops.Square(10, 16, 2, 0, 0));
        Assert.Equal((5, 11, 5), ImageCrops.Square(10, 16, 2, 1, 1));          // flush with the far corner
        Assert.Equal((8, 0, 4), ImageCrops.Square(12, 12, 3, 2, 0));
        Assert.Equal((4, 0, 4), ImageCrops.Square(12, 12, 3, 1, 0));
        Assert.Equal(4, ImageCrops.Square(17, 8, 1, 0, 0).Top);                  // (17 − 8) / 2
    }

    [Fact]
    public void Crops_are_exact_copies_of_the_image_regions_with_ids_that_name_them()
    {
        var images = new List<Tensor> { Numbered(0, 10, 16), Numbered(1, 12, 12) };
        using var crops = new ImageCrops(new MemoryImages("m", images), 1, 2);
        Assert.Equal(5, crops.PerImage);
        Assert.Equal(10, crops.Count);
        Assert.Equal("0@1:0,0", crops.Id(0));
        Assert.Equal("0@2:1,1", crops.Id(4));
        Assert.Equal("1@2:0,1", crops.Id(7));
        Assert.Equal((1, 2, 0, 1), crops.Locate(7));
        foreach (int k in Enumerable.Range(0, crops.Count))
        {
            var (image, grid, row, col) = crops.Locate(k);
            var src = images[image];
            var (top, left, side) = ImageCrops.Square((int)src.shape[1], (int)src.shape[2], grid, row, col);
            using var crop = crops.Load(k);
            using var expected = src[.., TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)];
            Assert.Equal([3L, side, side], crop.shape);
            Assert.True(crop.allclose(expected, rtol: 0, atol: 0), $"crop {k} ({crops.Id(k)}) differs from its region");
        }
        // The image kept for consecutive crops outlives the dispose scope that first loaded it (a scan opens one per batch).
        using (var scope = NewDisposeScope()) crops.Load(5);
        using (var next = crops.Load(6)) Assert.Equal([3L, 6, 6], next.shape);
        // A crop is the caller's copy: changing it leaves the source image as it was.
        using (var first = crops.Load(0)) first.fill_(0);
        using (var again = crops.Load(0)) Assert.NotEqual(0f, again.max().item<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageCrops(new MemoryImages("m", images), 0));
        Assert.Throws<ArgumentException>(() => new ImageCrops(new MemoryImages("m", images), 2, 2));
    }

    [Fact]
    public void The_shipped_photo_collection_matches_its_provenance_rows_and_loads_as_rgb()
    {
        var rows = ProvenanceTable.AssertEveryFileMatchesItsRow(SamplePhotos.Folder, "sha256 (shipped)", expectedFiles: 29);
        Assert.All(rows.Values, row => Assert.Contains(row["licence"], new[] { "CC0", "CC0-1.0", "public domain", "no known copyright restrictions", "CC-BY-2.0", "CC-BY-4.0",
            "CC-BY-SA-4.0", "CC-BY-SA-3.0" }));
        var all = SamplePhotos.All();
        Assert.Equal(SamplePhotos.Names.Count + 29, all.Count);
        for (int i = 0; i < all.Count; i++)
        {
            using var img = all.Load(i);
            Assert.Equal(3, img.shape[0]);
            Assert.True(Math.Min(img.shape[1], img.shape[2]) >= 224, $"{all.Id(i)} is {img.shape[1]}×{img.shape[2]}; crops at 224 px need a short side of 224 or more");
        }
    }

    [Fact]
    public void Toy_world_images_are_the_toy_datasets_pictures_in_order_with_stable_ids()
    {
        var images = new ToyWorldImages(5, seed: 3);
        var data = new Interp.ToyWorld.ToyDataset(3);
        Assert.Equal(5, images.Count);
        Assert.Equal("toy-world (seed 3)", images.Name);
        Assert.Equal(["toy-3-0", "toy-3-1", "toy-3-2", "toy-3-3", "toy-3-4"], Enumerable.Range(0, 5).Select(images.Id));
        for (int i = 0; i < 5; i++)
        {
            using var loaded = images.Load(i);
            using var drawn = data.Example(i).Draw();
            Assert.Equal(0f, (loaded - drawn).abs().max().item<float>());
        }
        Assert.Contains("0..4", Assert.Throws<ArgumentOutOfRangeException>(() => images.Load(5)).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentOutOfRangeException>(() => new ToyWorldImages(0)).Message);
    }
}
