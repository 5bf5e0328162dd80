package dev.netc.compiler.frontend;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * A YAMLFactory whose parsers expose the SnakeYAML event behind each token. Jackson's own accessors for
 * anchors and tags are deferred or skipped for the first key of a mapping; the event tells exactly what was
 * written (anchor, alias, tag, scalar style) for every token, which the reader needs to reject those
 * features where they occur.
 */
final class EventYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    EventYamlFactory(YAMLFactoryBuilder builder) {
        super(builder);
    }

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
        return new EventParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    /** The first characters of the plain scalars SnakeYAML's resolver may type as other than a string. */
    private static final String RESOLVED_FIRST = "yYnNtTfFoO-+0123456789.<~!&*";

    static final class EventParser extends YAMLParser {
        EventParser(IOContext ctxt, int parserFeatures, int yamlFeatures, LoaderOptions options, ObjectCodec codec,
                    Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        /**
         * Jackson types every scalar with SnakeYAML's resolver: up to four regular expressions per value, a tenth of
         * the parse at scale. The values it would type as strings in any case go straight to a string here; the
         * rest (and tagged values) go the usual way. The resolver types a plain scalar by its first character
         * (bool, null: {@code yYnNtTfFoO~}; numbers, timestamps: {@code -+.0-9}; merge, YAML: {@code <!&*}) and
         * an empty one as null; a quoted or block scalar is always a string. A plain scalar that starts with a
         * digit, has no {@code -} and two dots ({@code 10.0.0.1}, {@code 1.25.3}) is none of int (no dot), float
         * (one at most) or timestamp (which needs a {@code -}).
         */
        @Override
        protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
            String value = scalar.getValue();
            if (scalar.getTag() == null && !value.isEmpty()
                    && (!scalar.getImplicit().canOmitTagInPlainScalar() || alwaysString(value))) {
                _textValue = value;
                _cleanedTextValue = null;
                return JsonToken.VALUE_STRING;
            }
            return super._decodeScalar(scalar);
        }

        private static boolean alwaysString(String value) {
            char first = value.charAt(0);
            if (RESOLVED_FIRST.indexOf(first) < 0) return true;
            if (first < '0' || first > '9' || value.indexOf('-') >= 0) return false;
            int dot = value.indexOf('.');
            return dot >= 0 && value.indexOf('.', dot + 1) >= 0;
        }

        /** The event the current token came from. */
        Event event() {
            return _lastEvent;
        }

        /** Where the current token ends, in characters from the start (as {@code currentLocation().getCharOffset()}). */
        long endIndex() {
            return _lastEvent == null || _lastEvent.getEndMark() == null ? -1 : _lastEvent.getEndMark().getIndex();
        }
    }
}
