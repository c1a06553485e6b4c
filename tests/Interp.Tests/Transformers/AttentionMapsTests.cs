using Interp.Hooks;
using Interp.Models.Vit;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Tests.Transformers;

public class AttentionMapsTests
{
    [Fact]
    public void The_class_tokens_map_is_its_pattern_row_laid_on_the_grid_and_the_overlay_tints_whole_patches()
    {
        using var tower = new VitImageTower("visual", new VitSettings(ImageSize: 8, Patch: 2, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3), seed: 1);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var images = rand([2, 3, 8, 8], generator: new Generator().manual_seed(1));
        using var maps = AttentionMaps.ClassToken(model, images, layer: 1);
        Assert.Equal([2L, 2, 4, 4], maps.shape);
        using var cache = model.RunWithCache(images, "blocks.1.attn.hook_pattern");
        var pattern = cache["blocks.1.attn.hook_pattern"];
        Assert.Equal(pattern[1, 0, 0, 1 + 2 * 4 + 3].item<float>(), maps[1, 0, 2, 3].item<float>());   // patch at row 2, column 3 is token 12
        using var total = maps.sum([2, 3]) + pattern[.., .., 0, 0];
        Assert.True(total.allclose(ones_like(total), rtol: 1e-5, atol: 1e-5));

        using var image = images[0];
        using var map = maps[0, 1];
        using (var plain = AttentionMaps.Overlay(image, map, strength: 0))
            Assert.True(plain.equal(image).all().item<bool>());
        using var tinted = AttentionMaps.Overlay(image, map, strength: 1);
        Assert.True(tinted[.., 0..2, 2..4].std([1, 2]).max().item<float>() < 1e-6);                       // one colour per 2×2 patch
        Assert.Contains("whose grid divides S", Assert.Throws<ArgumentException>(() => AttentionMaps.Overlay(image, rand(3, 3))).Message);
        Assert.Contains("blocks are 0–1", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMaps.ClassToken(model, images, 2)).Message);
    }
}
