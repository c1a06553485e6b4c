#!/usr/bin/env bash
# Rebuilds data/photos from Debian 12 packages: run from the repository root on a Debian 12 machine with apt access.
# Needs ImageMagick 6 (`apt-get install imagemagick`). The shipped files were made by this script; README.md gives
# every file's source, licence and hashes (of the original in the package and of the shipped file).
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download lomiri-wallpapers-16.04=20.04.0-2 lomiri-wallpapers-20.04=20.04.0-2 python3-skimage=0.19.3-8 >/dev/null
dpkg-deb -x lomiri-wallpapers-16.04_*.deb lomiri
dpkg-deb -x lomiri-wallpapers-20.04_*.deb lomiri
dpkg-deb -x python3-skimage_*.deb skimage

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
sha256sum lomiri/usr/share/backgrounds/*.jpg skimage/usr/lib/python3/dist-packages/skimage/data/{camera,brick,grass,gravel,coins,clock_motion}.png
