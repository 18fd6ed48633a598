# quickstart.awk - the README's first C block, under "Quick start": the
# reference's quick start, and the program
# test/packaging.sh builds against the installed library. Reads README.md.
/^## Quick start/ { h = 1 }
h && /^```c$/ { c = 1; next }
c && /^```$/ { exit }
c
