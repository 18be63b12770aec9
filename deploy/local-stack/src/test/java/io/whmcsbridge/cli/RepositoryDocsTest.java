package io.whmcsbridge.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository explains itself: no file points at a document outside it (the customer's vendor pages, API notes
 * and architecture brief, which a clone does not have; their content is in docs/apis/ and docs/CONTRACT.md), and
 * every relative Markdown link reaches a file that is there. Plain JUnit over the files git tracks.
 */
class RepositoryDocsTest {
    /** This file names the patterns, so it is the one file not searched. */
    static final String SELF = "deploy/local-stack/src/test/java/io/whmcsbridge/cli/RepositoryDocsTest.java";

    /** References to documents outside the repository, and what each one is. */
    static final List<Pattern> OUTSIDE = List.of(
            // the vendor pages as the customer numbered them: "seed 002", "seeds 000", "seed `003_..."
            Pattern.compile("(?i)\\bseeds?\\s+`?0\\d\\d(?!\\d)"),
            // their file names, e.g. 002_ followed by 16 hex digits and .txt
            Pattern.compile("(?i)\\b\\d{3}_[0-9a-f]{16}\\.txt\\b"),
            Pattern.compile("(?i)\\bseeds/"),
            Pattern.compile("(?i)\\bAPI-NOTES\\b"),
            Pattern.compile("(?i)\\bARCHITECTURE\\.md\\b"),
            // ../shared/..., the directory beside the repository
            Pattern.compile("(?i)(?<![\\w.-])shared/"));

    static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    final Path root = DeploymentManifestsTest.root();

    @Test
    void noFileReferencesADocumentOutsideTheRepository() throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        List<String> files = trackedFiles();
        assertTrue(files.size() > 100, "the repository's files were listed: " + files.size());
        for (String file : files) {
            if (file.equals(SELF)) {
                continue;
            }
            String text = text(file);
            if (text == null) {
                continue; // binary
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (Pattern p : OUTSIDE) {
                    Matcher m = p.matcher(lines[i]);
                    if (m.find()) {
                        found.add(file + ":" + (i + 1) + ": '" + m.group() + "' in: " + lines[i].strip());
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "references to documents outside the repository (point at docs/apis/<api>.md or "
                + "docs/CONTRACT.md instead):\n" + String.join("\n", found));
    }

    @Test
    void everyRelativeMarkdownLinkReachesAFileOfTheRepository() throws IOException, InterruptedException {
        List<String> broken = new ArrayList<>();
        for (String file : trackedFiles()) {
            if (!file.endsWith(".md")) {
                continue;
            }
            Matcher m = MARKDOWN_LINK.matcher(Files.readString(root.resolve(file)));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // an anchor of the same page, or a URL
                }
                String path = target.replaceAll("#.*$", "");
                Path resolved = root.resolve(file).getParent().resolve(path).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(file + " -> " + target);
                }
            }
        }
        assertTrue(broken.isEmpty(), "Markdown links to files that are not in the repository:\n"
                + String.join("\n", broken));
    }

    /** The file as UTF-8 text, or null when it is not text. */
    String text(String relative) throws IOException {
        byte[] bytes = Files.readAllBytes(root.resolve(relative));
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * What git tracks (and what is staged); without git (a source archive), every file but build output and
     * hidden directories other than .ci, .github and .mvn.
     */
    List<String> trackedFiles() throws IOException, InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached").directory(root.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 && out.length > 0) {
                List<String> files = new ArrayList<>();
                for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
                    if (!f.isEmpty() && Files.isRegularFile(root.resolve(f))) {
                        files.add(f);
                    }
                }
                return files;
            }
        } catch (IOException e) {
            // no git on this machine: walk the tree instead
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path relative = root.relativize(p);
                        for (int i = 0; i < relative.getNameCount() - 1; i++) {
                            String dir = relative.getName(i).toString();
                            if (dir.equals("target") || dir.equals("node_modules")
                                    || dir.startsWith(".") && !List.of(".ci", ".github", ".mvn").contains(dir)) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }
}
