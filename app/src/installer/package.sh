#!/usr/bin/env bash
# Builds the native packages from the shaded jar: a trimmed Java runtime (jlink), an app image and a
# .deb (jpackage). The .deb is then completed with what jpackage can't add: `replens` on the PATH,
# a desktop menu entry and its icon. Run by `mvn -Pinstaller package` as: package.sh TARGET VERSION
set -euo pipefail
target=$1
version=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$target/installer
rm -rf "$out"
mkdir -p "$out/input"
cp "$target/replens.jar" "$out/input/"

# The modules the app, JavaFX (on the class path), ND4J/JavaCPP and openhtmltopdf use.
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.prefs,java.scripting
modules=$modules,java.sql,java.xml,jdk.unsupported,jdk.zipfs,jdk.crypto.ec,jdk.localedata
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --include-locales=en --compress=2 --output "$out/runtime"

# JavaFX is on the class path inside the jar, so it needs no --add-exports here.
java_options=(--java-options "-Xmx4g" --java-options "-Dorg.bytedeco.javacpp.maxphysicalbytes=0")
jpackage --type app-image --name RepLens --app-version "$version" --vendor RepLens \
  --input "$out/input" --main-jar replens.jar --main-class dev.replens.app.Launcher \
  --runtime-image "$out/runtime" --icon "$here/replens.png" "${java_options[@]}" --dest "$out"

# The package is repacked below; jpackage's own one need not be compressed.
DPKG_DEB_COMPRESSOR_TYPE=none jpackage --type deb --app-image "$out/RepLens" --name replens --app-version "$version" \
  --vendor RepLens --description "Explorer for structural re-parameterization of conv blocks" \
  --linux-package-name replens --linux-app-category devel --install-dir /opt --dest "$out"

# Add the command, the menu entry and the icon as files of the package (so removing it removes
# them, and `dpkg -x` shows them), then rebuild it. gzip: the payload is mostly jars, which xz
# shrinks little more at many times the cost.
deb=$(ls "$out"/replens_*.deb)
work=$out/deb-root
rm -rf "$work"
dpkg-deb -R "$deb" "$work"
app=/$(cd "$work" && ls -d opt/*/bin/RepLens | head -1 | sed 's|/bin/RepLens$||')
mkdir -p "$work/usr/bin" "$work/usr/share/applications" "$work/usr/share/icons/hicolor/256x256/apps"
ln -s "$app/bin/RepLens" "$work/usr/bin/replens"
cp "$here/replens.png" "$work/usr/share/icons/hicolor/256x256/apps/replens.png"
cat > "$work/usr/share/applications/replens.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=RepLens
GenericName=Re-parameterization explorer
Comment=Compose conv blocks and watch them fuse into one kernel
Exec=$app/bin/RepLens
Icon=replens
Terminal=false
Categories=Development;Science;Education;
DESKTOP
fakeroot dpkg-deb -Zgzip -b "$work" "$deb" >/dev/null
rm -rf "$work" "$out/input"
echo "built $deb and the app image $out/RepLens"
