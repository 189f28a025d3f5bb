package io.github.udpkit.cli;

import io.github.udpkit.api.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds a Python interpreter for the one seed program that needs more than the default python3. */
final class SeedPythons {

    private static final List<String> TRIED = new ArrayList<>();

    private SeedPythons() {
    }

    /** A Python 3.12 or newer that imports {@code cryptography}, or null. */
    static synchronized String find312WithCryptography() {
        TRIED.clear();
        List<String> candidates = new ArrayList<>(List.of("python3", "python3.13", "python3.12"));
        Path pyenv = Paths.get(System.getProperty("user.home"), ".pyenv", "versions");
        if (Files.isDirectory(pyenv)) {
            try (Stream<Path> versions = Files.list(pyenv)) {
                versions.map(v -> v.resolve("bin").resolve("python3")).filter(Files::isExecutable)
                        .map(Path::toString).sorted().forEach(candidates::add);
            } catch (IOException e) {
                TRIED.add(pyenv + ": " + e.getMessage());
            }
        }
        for (String python : candidates) {
            TRIED.add(python);
            String cannot = Proc.cannotRun(20, python, "-c",
                    "import sys, cryptography.fernet; sys.exit(0 if sys.version_info >= (3, 12) else 1)");
            if (cannot == null) {
                return python;
            }
        }
        return null;
    }

    /** The interpreters the last search tried. */
    static synchronized String tried() {
        return "tried " + String.join(", ", TRIED);
    }
}
