package io.whmcsbridge.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main sources keep their shape: no class over {@value #MAX_LINES} lines unless its header says why, and no
 * package imports a package that imports it back. Plain JUnit over the tracked files of every module (the walk of
 * {@link RepositoryDocsTest}); a new file counts once it is staged.
 */
class SourceShapeTest {
    static final int MAX_LINES = 250;

    /** The stated reason: a sentence of the class's header comment (its javadoc) starting like this. */
    static final Pattern REASON = Pattern.compile("Longer than " + MAX_LINES + "[\\s*]+lines[\\s*]+because[\\s*]+\\S");

    /**
     * Being split: other work restructures these now, so they carry no reason of their own. Remove an entry when its
     * split lands (the test fails for an entry that is no longer over the limit, so a stale one cannot stay).
     */
    static final Set<String> BEING_SPLIT = Set.of();

    static final Pattern MAIN_SOURCE = Pattern.compile(".*/src/main/java/.*\\.java");
    /** The first top-level type declaration: what comes before it (after the imports) is the header. */
    static final Pattern TYPE = Pattern.compile(
            "^(?:public |protected |abstract |final |sealed |non-sealed |static |strictfp )*(?:class|interface|record|enum|@interface) ",
            Pattern.MULTILINE);
    static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+?)(?:\\.\\*)?;", Pattern.MULTILINE);

    final RepositoryDocsTest repository = new RepositoryDocsTest();

    @Test
    void noMainClassIsOverTheLimitWithoutAReasonInItsHeader() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        List<String> files = mainSources();
        assertTrue(files.size() > 100, "the main sources were listed: " + files.size());
        for (String file : files) {
            String text = Files.readString(repository.root.resolve(file));
            long lines = text.lines().count();
            if (BEING_SPLIT.contains(file)) {
                if (lines <= MAX_LINES) {
                    failures.add(file + ": " + lines + " lines now; remove it from BEING_SPLIT");
                }
                continue;
            }
            if (lines > MAX_LINES && !REASON.matcher(header(text)).find()) {
                failures.add(file + ": " + lines + " lines, and its header gives no reason (\"Longer than "
                        + MAX_LINES + " lines because ...\")");
            }
        }
        for (String file : BEING_SPLIT) {
            if (!files.contains(file)) {
                failures.add(file + ": gone; remove it from BEING_SPLIT");
            }
        }
        assertTrue(failures.isEmpty(), "split the class, or say in its javadoc why its length is one job:\n"
                + String.join("\n", failures));
    }

    @Test
    void noPackageImportsAPackageThatImportsItBack() throws IOException, InterruptedException {
        Map<String, List<String>> importsByFile = new TreeMap<>();
        Map<String, String> packageOf = new TreeMap<>();
        for (String file : mainSources()) {
            String text = Files.readString(repository.root.resolve(file));
            Matcher p = PACKAGE.matcher(text);
            if (!p.find()) {
                continue; // the default package: nothing imports it
            }
            packageOf.put(file, p.group(1));
            List<String> imports = new ArrayList<>();
            Matcher i = IMPORT.matcher(text);
            while (i.find()) {
                imports.add(i.group(1));
            }
            importsByFile.put(file, imports);
        }
        Set<String> packages = new TreeSet<>(packageOf.values());
        // package -> package it imports -> the files and imports that make the edge
        Map<String, Map<String, List<String>>> edges = new TreeMap<>();
        importsByFile.forEach((file, imports) -> {
            String from = packageOf.get(file);
            for (String imported : imports) {
                String to = packageIn(imported, packages);
                if (to != null && !to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new ArrayList<>())
                            .add(file.substring(file.lastIndexOf('/') + 1) + " imports " + imported);
                }
            }
        });
        List<String> cycles = new ArrayList<>();
        edges.forEach((a, targets) -> targets.forEach((b, why) -> {
            if (a.compareTo(b) < 0 && edges.getOrDefault(b, Map.of()).containsKey(a)) {
                cycles.add(a + " <-> " + b + ": " + why + "; " + edges.get(b).get(a));
            }
        }));
        assertTrue(cycles.isEmpty(), "packages that import each other:\n" + String.join("\n", cycles));
    }

    /** The package an import names: the longest prefix that is a package of the main sources (so nested types too). */
    static String packageIn(String imported, Set<String> packages) {
        for (String name = imported; name.contains("."); name = name.substring(0, name.lastIndexOf('.'))) {
            if (packages.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** The text between the package and imports and the first top-level type: its javadoc and annotations. */
    static String header(String text) {
        Matcher type = TYPE.matcher(text);
        int end = type.find() ? type.start() : text.length();
        Matcher imports = Pattern.compile("^(?:package|import) [^;]*;", Pattern.MULTILINE).matcher(text);
        int start = 0;
        while (imports.find() && imports.end() <= end) {
            start = imports.end();
        }
        return text.substring(start, end);
    }

    List<String> mainSources() throws IOException, InterruptedException {
        return repository.trackedFiles().stream().filter(f -> MAIN_SOURCE.matcher(f).matches()).toList();
    }
}
