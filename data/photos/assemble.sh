#!/usr/bin/env bash
# Rebuilds data/photos from Debian 12 packages: run from the repository root on a Debian 12 machine with apt access.
# Needs ImageMagick 6 (`apt-get install imagemagick`). The shipped files were made by this script; README.md gives
# every file's source, licence and hashes (of the original in the package and of the shipped file).
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download lomiri-wallpapers-16.04=20.04.0-2 lomiri-wallpapers-20.04=20.04.0-2 python3-skimage=0.19.3-8 \
  palapeli-data=4:22.12.3-1 python3-sklearn=1.2.1+dfsg-1 python-matplotlib-data=3.6.3-1 libsixel-examples=1.10.3-3 >/dev/null
dpkg-deb -x lomiri-wallpapers-16.04_*.deb lomiri
dpkg-deb -x lomiri-wallpapers-20.04_*.deb lomiri
dpkg-deb -x python3-skimage_*.deb skimage
dpkg-deb -x palapeli-data_*.deb palapeli
dpkg-deb -x python3-sklearn_*.deb sklearn
dpkg-deb -x python-matplotlib-data_*.deb matplotlib
dpkg-deb -x libsixel-examples_*.deb libsixel

# CC-BY-4.0, CC0 and CC-BY-SA photographs from lomiri-wallpapers-16.04 and -20.04 (the package's copyright file names author and licence):
# downscaled so the long side is 512 px, orientation applied, metadata stripped, JPEG quality 88.
for f in aitzgorri_by_Aitzol_Berasategi friends_by_Aitzol_Berasategi life_by_Aitzol_Berasategi \
         picosdeeuropa_by_Aitzol_Berasategi sunset_by_Aitzol_Berasategi Picture_0B_by_freespace Picture_1A_by_freespace \
         umang_by_Abhishek_Mudgal Wine_by_Jakkub_Mede seeding_by_Clements_Engelhardt \
         Bridge_by_Sander_Klootwijk Dragonfly_by_Bolly free_by_Peter_Nerlich greentock_by_Peter_Nerlich Kleiber_by_Lukas_Baubkus; do
  convert "lomiri/usr/share/backgrounds/$f.jpg" -auto-orient -resize '512x512>' -strip -quality 88 "$out/$f.jpg"
done

# CC0 and public-domain photographs from scikit-image's sample data, copied unchanged.
for f in camera brick grass gravel coins clock_motion; do
  cp "skimage/usr/lib/python3/dist-packages/skimage/data/$f.png" "$out/$f.png"
done
# Public-domain photographs from palapeli-data's puzzle collection (each puzzle's .desktop file names author, source and
# licence; its castle and chameleon are GFDL and left out), downscaled like the lomiri ones.
for f in cincinnati-bridge citrus-fruits european-honey-bee; do
  convert "palapeli/usr/share/palapeli/collection/$f.jpg" -auto-orient -resize '512x512>' -strip -quality 88 "$out/$f.jpg"
done

# Copied unchanged (long side 640 px or less): scikit-learn's two CC-BY-2.0 sample photos (its datasets/images/README.txt
# gives author and licence), Matplotlib's public-domain portrait of Grace Hopper and libsixel's two public-domain photos
# by Jon Sullivan (the package's copyright file).
cp sklearn/usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg "$out/china.jpg"
cp sklearn/usr/lib/python3/dist-packages/sklearn/datasets/images/flower.jpg "$out/flower.jpg"
cp matplotlib/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg "$out/grace_hopper.jpg"
cp libsixel/usr/share/doc/libsixel-examples/examples/images/egret.jpg "$out/egret.jpg"
cp libsixel/usr/share/doc/libsixel-examples/examples/images/snake.jpg "$out/snake.jpg"

sha256sum lomiri/usr/share/backgrounds/*.jpg skimage/usr/lib/python3/dist-packages/skimage/data/{camera,brick,grass,gravel,coins,clock_motion}.png \
  palapeli/usr/share/palapeli/collection/{cincinnati-bridge,citrus-fruits,european-honey-bee}.jpg \
  sklearn/usr/lib/python3/dist-packages/sklearn/datasets/images/{china,flower}.jpg \
  matplotlib/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg libsixel/usr/share/doc/libsixel-examples/examples/images/{egret,snake}.jpg
