package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.runtime.pipeline.DeadLetter.Kind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A dead letter's reason names its kind, and a listing reads the same kind back from the text. */
class DeadLetterTest {

    @Test
    void everyKindWrittenIsReadBackFromItsReason() {
        for (Kind kind : Kind.values()) {
            if (kind == Kind.UNREADABLE || kind == Kind.OTHER) {
                continue;
            }
            String reason = new DeadLetter(kind, "cmd-1", "SUCCEEDED, but its outcome could not be stored: x", null)
                    .getMessage();
            assertEquals(kind, DeadLetter.kindOf("cmd-1", reason), reason);
        }
    }

    @Test
    void theTextsOperatorsAlreadyKnowStayTheSame() {
        assertEquals("command c was sent and answered SUCCEEDED, but its outcome could not be stored: r",
                new DeadLetter(Kind.ANSWERED_NOT_STORED, "c", "SUCCEEDED, but its outcome could not be stored: r", "{}")
                        .getMessage());
        assertEquals("command c was not sent: looking the command up failed 4 times",
                new DeadLetter(Kind.NOT_SENT, "c", "looking the command up failed 4 times", null).getMessage());
    }

    @Test
    void anIdThatHoldsAnotherKindsPhraseIsNotTakenForIt() {
        String id = "x was sent and answered y";
        String reason = new DeadLetter(Kind.NOT_SENT, id, "recording failed", null).getMessage();
        assertEquals(Kind.NOT_SENT, DeadLetter.kindOf(id, reason));
        // a reason that names another command than the record's is not one the pipeline wrote for it
        assertEquals(Kind.OTHER, DeadLetter.kindOf("y", reason));
    }

    @Test
    void aRecordThatIsNotACommandIsUnreadableAndAnyOtherFailureIsOther() {
        assertEquals(Kind.UNREADABLE, DeadLetter.kindOf(null, "not JSON: Unexpected character"));
        assertEquals(Kind.OTHER, DeadLetter.kindOf("c", "java.lang.IllegalStateException: boom"));
        assertEquals(Kind.OTHER, DeadLetter.kindOf("c", null));
    }

    @Test
    void reasonCodesAreWhatOperatorsType() {
        assertEquals(Kind.NOT_SENT, Kind.byCode("not-sent").orElseThrow());
        assertEquals(java.util.Optional.empty(), Kind.byCode("NOT_SENT"));
    }
}
