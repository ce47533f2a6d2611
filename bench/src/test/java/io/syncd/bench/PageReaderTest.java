package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The bench reads a pull page's changes, cursor and has_more in either strokes form, and stops on a malformed one. */
class PageReaderTest {

    @Test
    void readsAPageOfJsonAndInkStrokesAndIgnoresOtherFields() {
        PageReader.Page page = read("{\"changes\":[{\"table\":\"notes\",\"record_id\":\"a\",\"data\":{\"strokes\":"
                + "[[[1,2,3,4]]]}},{\"table\":\"notes\",\"record_id\":\"b\",\"data\":{\"strokes_ink\":\"AQoB\"}}],"
                + "\"cursor\":\"c-2\",\"has_more\":true,\"server_time\":{\"x\":[1]}}");

        assertThat(page).isEqualTo(new PageReader.Page(2, "c-2", true));
        assertThat(read("{\"changes\":[],\"cursor\":null,\"has_more\":false}"))
                .isEqualTo(new PageReader.Page(0, null, false));
    }

    @Test
    void aMalformedPageStopsTheBenchSayingWhatIsWrong() {
        assertThatThrownBy(() -> read("[]")).hasMessage("a pull page is not a JSON object");
        assertThatThrownBy(() -> read("{\"changes\":[{\"record_id\":\"a\"}"))
                .hasMessageStartingWith("a pull page is not JSON");
        assertThatThrownBy(() -> read("{\"changes\":{},\"has_more\":false}"))
                .hasMessage("a pull page's changes are not an array");
        assertThatThrownBy(() -> read("{\"changes\":[1],\"has_more\":false}"))
                .hasMessage("a pull page's changes hold something other than objects");
        assertThatThrownBy(() -> read("{\"changes\":[{\"table\":\"notes\"}],\"has_more\":false}"))
                .hasMessageStartingWith("a pulled change without record_id");
        assertThatThrownBy(() -> read("{\"changes\":[],\"has_more\":\"no\"}"))
                .hasMessage("a pull page's has_more is not a boolean");
        assertThatThrownBy(() -> read("{\"changes\":[]}")).hasMessage("a pull page without changes or has_more");
    }

    private static PageReader.Page read(String json) {
        return PageReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
