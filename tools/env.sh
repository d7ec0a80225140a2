# Shared by ./convas and ./test (sourced, not run): choose the JDK and make sure Maven is there.
# After `pick_java`: JAVA (the java binary), JAVA_MAJOR (17, 25, ...), JAVA_HOME exported for Maven.

# Major version of a java binary: "17", "25", ... (empty when it does not run).
java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  v=${v#1.}
  printf '%s' "${v%%.*}"
}

# The newest JDK 17+ among $JAVA_HOME, /usr/lib/jvm/* (Temurin 25 is preferred by being newest) and java on
# the PATH; CONVAS_JAVA_HOME=/path/to/jdk chooses one explicitly.
pick_java() {
  local best="" best_major=0 candidate major
  if [ -n "${CONVAS_JAVA_HOME:-}" ]; then
    major=$(java_major "$CONVAS_JAVA_HOME/bin/java")
    if ! [[ "$major" =~ ^[0-9]+$ ]] || [ "$major" -lt 17 ] || [ ! -x "$CONVAS_JAVA_HOME/bin/javac" ]; then
      echo "convas: CONVAS_JAVA_HOME=$CONVAS_JAVA_HOME is not a JDK 17 or newer" >&2
      exit 2
    fi
    use_java "$CONVAS_JAVA_HOME/bin/java" "$major"
    return
  fi
  local candidates=()
  local -A seen=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java)
  command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    candidate="$(readlink -f "$candidate")"
    [ -z "${seen[$candidate]:-}" ] || continue
    seen[$candidate]=1
    # A JRE cannot compile: Maven needs javac beside java.
    [ -x "$(dirname "$candidate")/javac" ] || continue
    major=$(java_major "$candidate")
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge 17 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "convas: no JDK 17 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm and java on the PATH)." >&2
    echo "        Install one, e.g.: sudo apt-get install -y openjdk-17-jdk" >&2
    exit 2
  fi
  use_java "$best" "$best_major"
}

use_java() {
  JAVA="$1"
  JAVA_MAJOR="$2"
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA")")")"
  export JAVA_HOME
  # Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about unless allowed (the flag exists from 23).
  if [ "$JAVA_MAJOR" -ge 23 ]; then
    case " ${MAVEN_OPTS:-} " in
      *sun-misc-unsafe-memory-access*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

# Maven 3.8+ on the PATH; installed with apt-get when we are root on Debian/Ubuntu, else we say how.
ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "convas: Maven is missing; installing it with apt-get (once)..." >&2
    apt_install maven
  else
    echo "convas: Maven (mvn) is needed to build Convas. Install it, e.g.: sudo apt-get install -y maven" >&2
    exit 2
  fi
}

# apt-get install, refreshing the package lists once if the first try cannot find the packages.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2; }
}
